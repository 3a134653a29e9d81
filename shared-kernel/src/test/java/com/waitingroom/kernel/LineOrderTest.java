package com.waitingroom.kernel;

import com.waitingroom.kernel.events.PatientAbsentAtCashier;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientCheckedIn;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineOrderTest {

    private final EventCodec codec = EventCodec.standard();

    @Test
    void higherPriorityFirstThenLowerSequence() {
        assertTrue(LineOrder.compare(Priority.URGENT.level(), 9, Priority.LOW.level(), 1) < 0);
        assertTrue(LineOrder.compare(Priority.LOW.level(), 1, Priority.URGENT.level(), 9) > 0);
        assertTrue(LineOrder.compare(Priority.HIGH.level(), 2, Priority.HIGH.level(), 5) < 0);
        assertEquals(0, LineOrder.compare(Priority.HIGH.level(), 5, Priority.HIGH.level(), 5));
    }

    @Test
    void aCarriedSequenceWinsAndTheCounterMovesPastIt() {
        assertEquals(12, LineOrder.resolve(12L, 4));
        assertEquals(4, LineOrder.resolve(null, 4));
        assertEquals(13, LineOrder.advance(4, 12));
        assertEquals(9, LineOrder.advance(9, 3), "an older sequence never moves the counter back");
    }

    @Test
    void schemaOnePayloadsDecodeWithoutTheNewFields() {
        String legacyCheckIn = "{\"queueId\":\"Q\",\"patientId\":\"P\",\"patientName\":\"N\",\"priority\":\"High\","
                + "\"requestedPriority\":\"Low\",\"consultationType\":\"General\",\"pregnant\":true,\"queuePosition\":2}";
        String envelopeJson = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"aggregateId\":\"Q\","
                + "\"aggregateType\":\"" + AggregateTypes.WAITING_QUEUE + "\",\"version\":2,"
                + "\"eventType\":\"PatientCheckedIn\",\"schemaVersion\":1,"
                + "\"occurredAt\":\"2026-01-01T00:00:00Z\",\"payload\":" + legacyCheckIn + "}";
        PatientCheckedIn checkedIn = codec.payloadOf(codec.decode(envelopeJson), PatientCheckedIn.class);
        assertNull(checkedIn.lineSequence());
        assertNull(checkedIn.visit());
        assertNull(checkedIn.ticketNumber(), "schema 1 and 2 check-ins carry no ticket");
        assertEquals(Priority.HIGH, checkedIn.priority());
    }

    @Test
    void aCashierCallWithoutDeskMeansTheDefaultDesk() {
        assertEquals(PatientCalledAtCashier.DEFAULT_DESK, new PatientCalledAtCashier("Q", "P", null).deskOrDefault());
        assertEquals(PatientCalledAtCashier.DEFAULT_DESK, new PatientCalledAtCashier("Q", "P", " ").deskOrDefault());
        assertEquals("D-2", new PatientCalledAtCashier("Q", "P", "D-2").deskOrDefault());
        assertNull(new PatientAbsentAtCashier("Q", "P", 1, null).lineSequence());
    }
}
