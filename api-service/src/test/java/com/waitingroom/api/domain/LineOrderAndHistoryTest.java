package com.waitingroom.api.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.PatientAbsentAtCashier;
import com.waitingroom.kernel.events.PatientAbsentAtConsultation;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.kernel.events.PatientPaymentValidated;
import com.waitingroom.kernel.events.WaitingQueueCreated;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.waitingroom.api.domain.QueueFixtures.cashierLine;
import static com.waitingroom.api.domain.QueueFixtures.consultationLine;
import static com.waitingroom.api.domain.QueueFixtures.patient;
import static com.waitingroom.api.domain.QueueFixtures.queueWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Line order (priority, then the line sequence a patient draws on entering a line), visits, and
 * the equivalence of schema-1 (legacy) events, snapshots and the events this aggregate emits now.
 */
class LineOrderAndHistoryTest {

    private final List<DomainEvent> history = new ArrayList<>();

    private List<DomainEvent> record(List<DomainEvent> events) {
        history.addAll(events);
        return events;
    }

    // ---------------------------------------------------------------- line order

    @Test
    void aPatientRequeuedAtTheCashierGoesToTheBackOfItsPriority() {
        WaitingQueue queue = queueWith(history, "H1", "High", "H2", "High", "L1", "Low", "H3", "High");
        queue.callNextAtCashier("D1");
        PatientAbsentAtCashier absent = (PatientAbsentAtCashier) queue.markAbsentAtCashier("H1").get(0);
        assertEquals(5L, absent.lineSequence(), "four check-ins drew 1..4");
        assertEquals(List.of("H2", "H3", "H1", "L1"), cashierLine(queue));
        queue.checkIn(patient("U1", "Urgent"));
        assertEquals(List.of("U1", "H2", "H3", "H1", "L1"), cashierLine(queue));
        assertEquals(7L, queue.nextSequence());
    }

    @Test
    void theConsultationLineFollowsPaymentValidationNotCheckIn() {
        WaitingQueue queue = queueWith(history, "A", "High", "B", "High", "C", "High", "D", "Low");
        queue.callNextAtCashier("D1");
        queue.callNextAtCashier("D2");
        assertEquals(Map.of("D1", "A", "D2", "B"), queue.busyDesks());
        // B pays first, then C; A's payment is pending and settled last: A is at the back of High
        PatientPaymentValidated paidB = (PatientPaymentValidated) queue.validatePayment("B", null).get(0);
        queue.callNextAtCashier("D2");
        queue.validatePayment("C", null);
        queue.markPaymentPending("A", "no card");
        queue.callNextAtCashier("D1");
        queue.validatePayment("D", null);
        PatientPaymentValidated paidA = (PatientPaymentValidated) queue.validatePayment("A", null).get(0);
        assertEquals(5L, paidB.lineSequence());
        assertEquals(8L, paidA.lineSequence());
        assertEquals(List.of("B", "C", "A", "D"), consultationLine(queue), "High first, then by validation");
    }

    @Test
    void aPatientRequeuedAtConsultationGoesBehindItsPriorityButBeforeLowerOnes() {
        WaitingQueue queue = queueWith(history, "X", "High", "Y", "High", "Z", "Low");
        for (int i = 0; i < 3; i++) {
            String called = ((PatientCalledAtCashier) queue.callNextAtCashier(null).get(0)).patientId();
            queue.validatePayment(called, null);
        }
        assertEquals(List.of("X", "Y", "Z"), consultationLine(queue));
        queue.activateRoom("R1");
        queue.claimNextPatient("R1");
        queue.callPatient("X");
        PatientAbsentAtConsultation absent = (PatientAbsentAtConsultation) queue.markAbsentAtConsultation("X").get(0);
        assertEquals(7L, absent.lineSequence());
        assertEquals(List.of("Y", "X", "Z"), consultationLine(queue));
    }

    @Test
    void aCarriedSequenceWinsAndTheCounterContinuesAfterIt() {
        WaitingQueue queue = WaitingQueue.empty("Q1");
        queue.replay(new WaitingQueueCreated("Q1", "Q1", 10), 1);
        queue.replay(checkedIn("A", Priority.LOW, 40L, 1), 2);
        queue.replay(checkedIn("B", Priority.LOW, null, null), 3);
        assertEquals(41L, queue.patient("B").orElseThrow().lineSequence(), "a legacy event follows the counter");
        assertEquals(42L, queue.nextSequence());
        PatientCheckedIn next = (PatientCheckedIn) queue.checkIn(patient("C", "Low")).get(0);
        assertEquals(42L, next.lineSequence());
    }

    // ---------------------------------------------------------------- visits

    @Test
    void eachNewVisitAfterTheLastOneEndedCountsOneMore() {
        WaitingQueue queue = queueWith(history, "P1", "Low");
        assertEquals(1, queue.patient("P1").orElseThrow().visit());
        queue.callNextAtCashier(null);
        queue.validatePayment("P1", null);
        queue.activateRoom("R1");
        queue.claimNextPatient("R1");
        queue.callPatient("P1");
        queue.startConsultation("P1");
        queue.completeAttention("P1", "ok", null);
        PatientCheckedIn second = (PatientCheckedIn) queue.checkIn(patient("P1", "High")).get(0);
        assertEquals(2, second.visit());
        Patient again = queue.patient("P1").orElseThrow();
        assertEquals(2, again.visit());
        assertEquals(Priority.HIGH, again.priority());
        assertEquals(0, again.paymentAttempts());
        assertEquals(second.lineSequence(), again.lineSequence());
        queue.leave("P1", null);
        assertEquals(3, ((PatientCheckedIn) queue.checkIn(patient("P1", "Low")).get(0)).visit());
    }

    // ---------------------------------------------------------------- legacy events and snapshots

    /** A history over two desks, pending payments, absences, a leave and second visits. */
    private WaitingQueue busyHistory() {
        WaitingQueue queue = queueWith(history, "A", "Low", "B", "High", "C", "Medium", "D", "High", "E", "Low");
        record(queue.callNextAtCashier(null));          // B at main
        record(queue.callNextAtCashier("D2"));          // D at D2
        record(queue.markPaymentPending("B", "card"));
        record(queue.markAbsentAtCashier("D"));         // D requeued: still the only High waiting
        record(queue.callNextAtCashier(null));          // D again at main
        record(queue.validatePayment("D", null));
        record(queue.callNextAtCashier("D2"));          // C
        record(queue.validatePayment("B", "later"));
        record(queue.validatePayment("C", null));
        record(queue.activateRoom("R1"));
        record(queue.activateRoom("R2"));
        record(queue.claimNextPatient("R1"));           // D
        record(queue.callPatient("D"));
        record(queue.markAbsentAtConsultation("D"));    // D behind B
        record(queue.claimNextPatient("R1"));           // B
        record(queue.callPatient("B"));
        record(queue.startConsultation("B"));
        record(queue.completeAttention("B", "ok", null));
        record(queue.checkIn(patient("B", "Urgent")));  // second visit
        record(queue.leave("E", "gave up"));
        record(queue.callNextAtCashier("D3"));          // B (Urgent) at D3
        record(queue.callNextAtCashier(null));          // A at main
        return queue;
    }

    /** The schema-1 form of an event: no line sequence, no visit, no desk for the default desk. */
    private static DomainEvent legacy(DomainEvent event) {
        if (event instanceof PatientCheckedIn c) {
            return new PatientCheckedIn(c.queueId(), c.patientId(), c.patientName(), c.priority(),
                    c.requestedPriority(), c.consultationType(), c.notes(), c.age(), c.pregnant(), c.queuePosition(),
                    null, null);
        } else if (event instanceof PatientPaymentValidated v) {
            return new PatientPaymentValidated(v.queueId(), v.patientId(), v.paymentReference(), null);
        } else if (event instanceof PatientAbsentAtCashier a) {
            return new PatientAbsentAtCashier(a.queueId(), a.patientId(), a.retryNumber(), null);
        } else if (event instanceof PatientAbsentAtConsultation a) {
            return new PatientAbsentAtConsultation(a.queueId(), a.patientId(), a.roomId(), a.retryNumber(), null);
        } else if (event instanceof PatientCalledAtCashier c
                && PatientCalledAtCashier.DEFAULT_DESK.equals(c.deskId())) {
            return new PatientCalledAtCashier(c.queueId(), c.patientId(), null);
        }
        return event;
    }

    private static WaitingQueue replay(List<DomainEvent> events) {
        WaitingQueue queue = WaitingQueue.empty("Q1");
        for (int i = 0; i < events.size(); i++) {
            queue.replay(events.get(i), i + 1);
        }
        return queue;
    }

    @Test
    void legacyEventsReplayToExactlyTheStateOfTheNewEvents() {
        WaitingQueue live = busyHistory();
        List<DomainEvent> legacyHistory = history.stream().map(LineOrderAndHistoryTest::legacy).toList();
        assertNotEquals(history, legacyHistory, "the legacy stream really lacks the new fields");

        WaitingQueue fromNew = replay(history);
        WaitingQueue fromLegacy = replay(legacyHistory);
        assertEquals(List.of("D", "C"), consultationLine(live));
        for (WaitingQueue replayed : List.of(fromNew, fromLegacy)) {
            assertEquals(cashierLine(live), cashierLine(replayed));
            assertEquals(consultationLine(live), consultationLine(replayed));
            assertEquals(live.busyDesks(), replayed.busyDesks());
        }
        assertEquals(live.snapshot(), fromNew.snapshot());
        // Ticket numbers (schema 3) cannot be derived for older check-ins: those patients have none.
        assertEquals(withoutTickets(live.snapshot()), fromLegacy.snapshot());
        assertEquals(Map.of("D3", "B", "main", "A"), fromLegacy.busyDesks());
        assertEquals(2, fromLegacy.patient("B").orElseThrow().visit());
        assertEquals(PatientStatus.LEFT, fromLegacy.patient("E").orElseThrow().status());
    }

    @Test
    void aSnapshotRestoresTheWholeStateIncludingDesksVisitsAndTheCounter() throws Exception {
        WaitingQueue live = busyHistory();
        QueueSnapshot snapshot = live.snapshot();
        assertEquals(List.of(new QueueSnapshot.DeskState("D3", "B"), new QueueSnapshot.DeskState("main", "A")),
                snapshot.busyDesks());
        assertEquals(live.nextSequence(), snapshot.nextSequence());
        assertEquals(snapshot, WaitingQueue.fromSnapshot(snapshot).snapshot());

        ObjectMapper mapper = EventCodec.newObjectMapper();
        QueueSnapshot copy = mapper.readValue(mapper.writeValueAsString(snapshot), QueueSnapshot.class);
        assertEquals(snapshot, copy);
        WaitingQueue restored = WaitingQueue.fromSnapshot(copy);
        assertEquals(2, restored.patient("B").orElseThrow().visit());
        assertEquals(live.busyDesks(), restored.busyDesks());
        assertEquals(live.activeRooms(), restored.activeRooms());
        // both decide the same from here on
        assertEquals(live.validatePayment("A", null), restored.validatePayment("A", null));
        assertEquals(live.claimNextPatient("R2"), restored.claimNextPatient("R2"));
        assertEquals(live.snapshot(), restored.snapshot());
    }

    private static PatientCheckedIn checkedIn(String id, Priority priority, Long lineSequence, Integer visit) {
        return new PatientCheckedIn("Q1", id, "Name " + id, priority, priority, "General", null, null, false, 1,
                lineSequence, visit);
    }

    private static QueueSnapshot withoutTickets(QueueSnapshot s) {
        List<QueueSnapshot.PatientState> patients = s.patients().stream().map(p -> new QueueSnapshot.PatientState(
                p.patientId(), p.name(), p.priority(), p.requestedPriority(), p.consultationType(), p.notes(), p.age(),
                p.pregnant(), p.visit(), p.checkInSequence(), p.status(), p.lineSequence(), p.cashierAbsences(),
                p.paymentAttempts(), p.consultationAbsences(), p.deskId(), p.roomId(), null)).toList();
        return new QueueSnapshot(s.queueId(), s.name(), s.maxCapacity(), s.version(), s.nextSequence(),
                s.ticketsIssued(), s.busyDesks(), patients, s.rooms());
    }
}
