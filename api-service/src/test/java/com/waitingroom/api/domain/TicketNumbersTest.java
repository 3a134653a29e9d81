package com.waitingroom.api.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.events.PatientCheckedIn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static com.waitingroom.api.domain.QueueFixtures.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TicketNumbersTest {

    @Test
    void checkInsDrawConsecutiveThreeDigitNumbers() {
        List<DomainEvent> history = new ArrayList<>();
        WaitingQueue queue = QueueFixtures.queueWith(history, "A", "Low", "B", "High", "C", "Medium");
        assertEquals(List.of("001", "002", "003"), ticketsOf(history));
        assertEquals("002", queue.patient("B").orElseThrow().ticketNumber());
    }

    @Test
    void numbersWrapAfter999AndSkipTheOnesStillHeld() {
        assertEquals("001", TicketNumbers.next(999, Set.of()));
        assertEquals("003", TicketNumbers.next(999, Set.of("001", "002")));
        assertEquals("999", TicketNumbers.next(998, Set.of()));
        assertEquals("001", TicketNumbers.next(998, Set.of("999")));
    }

    @Test
    void aQueueHolding999NumbersDrawsFromAWiderRange() {
        Set<String> held = new HashSet<>();
        for (int i = 1; i <= 999; i++) {
            held.add(String.format("%03d", i));
        }
        String next = TicketNumbers.next(5, held);
        assertEquals(4, next.length());
        assertTrue(!held.contains(next));
    }

    /**
     * Property over random check-in/leave histories: no two active patients ever share a number, every
     * number has three digits, and replaying the events gives every patient the number it was given.
     */
    @Test
    void activePatientsNeverShareATicketAndReplayAgrees() throws Exception {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            WaitingQueue queue = WaitingQueue.empty("Q1");
            List<DomainEvent> history = new ArrayList<>(queue.create("Clinic", 30));
            List<String> active = new ArrayList<>();
            int patients = 0;
            for (int step = 0; step < 1_500; step++) {
                if (!active.isEmpty() && (active.size() >= 30 || random.nextInt(3) == 0)) {
                    String leaving = active.remove(random.nextInt(active.size()));
                    history.addAll(queue.leave(leaving, "test"));
                } else {
                    String id = "P" + (patients++);
                    history.addAll(queue.checkIn(patient(id, random.nextBoolean() ? "Low" : "High")));
                    active.add(id);
                }
                Map<String, String> holder = new HashMap<>();
                for (String id : active) {
                    String ticket = queue.patient(id).orElseThrow().ticketNumber();
                    assertTrue(ticket.matches("\\d{3}"), "seed " + seed + ": " + ticket);
                    String other = holder.put(ticket, id);
                    assertEquals(null, other, "seed " + seed + ": " + id + " and " + other + " share " + ticket);
                }
            }
            WaitingQueue replayed = WaitingQueue.empty("Q1");
            for (int i = 0; i < history.size(); i++) {
                replayed.replay(history.get(i), i + 1);
            }
            ObjectMapper mapper = EventCodec.newObjectMapper();
            assertEquals(mapper.writeValueAsString(queue.snapshot()), mapper.writeValueAsString(replayed.snapshot()));
            // and the next decision after a snapshot round trip is the same as the live queue's
            WaitingQueue restored = WaitingQueue.fromSnapshot(
                    mapper.readValue(mapper.writeValueAsString(queue.snapshot()), QueueSnapshot.class));
            if (active.size() < 30) {
                assertEquals(ticketsOf(queue.checkIn(patient("next", "Low"))),
                        ticketsOf(restored.checkIn(patient("next", "Low"))));
            }
        }
    }

    private static List<String> ticketsOf(List<DomainEvent> events) {
        return events.stream().filter(PatientCheckedIn.class::isInstance)
                .map(e -> ((PatientCheckedIn) e).ticketNumber()).toList();
    }
}
