package com.waitingroom.projection.domain;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.ConsultingRoomDeactivated;
import com.waitingroom.kernel.events.PatientAbsentAtCashier;
import com.waitingroom.kernel.events.PatientAbsentAtConsultation;
import com.waitingroom.kernel.events.PatientCalled;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientCancelledByAbsence;
import com.waitingroom.kernel.events.PatientCancelledByPayment;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.kernel.events.PatientClaimedForAttention;
import com.waitingroom.kernel.events.PatientPaymentPending;
import com.waitingroom.kernel.events.PatientPaymentValidated;
import com.waitingroom.kernel.events.WaitingQueueCreated;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pure state-machine tests of the projector (no I/O). */
class ReadModelProjectorTest {

    private static final String Q = "Q-1";
    private final ReadModelProjector projector = new ReadModelProjector();
    private final ReadModelState state = new ReadModelState();
    private long version;
    private final Instant start = Instant.parse("2026-01-01T08:00:00Z");

    private void apply(DomainEvent event) {
        version++;
        EventEnvelope envelope = EventCodec.standard().wrap(event, UUID.randomUUID(), version,
                start.plusSeconds(version * 60), null, null, "test");
        projector.apply(state, envelope, event);
    }

    private PatientRecord patient(String id) {
        return state.patients.get(new ReadModelState.Key(Q, id));
    }

    private StationRecord room(String id) {
        return state.rooms.get(new ReadModelState.Key(Q, id));
    }

    private StationRecord desk(String id) {
        return state.desks.get(new ReadModelState.Key(Q, id));
    }

    private void checkIn(String id) {
        apply(new PatientCheckedIn(Q, id, "Name " + id, Priority.HIGH, Priority.MEDIUM, "General", null, 70, false, 1));
    }

    @Test
    void cashierCycleFreesTheDeskOnEveryOutcome() {
        apply(new WaitingQueueCreated(Q, "Main", 10));
        checkIn("P-1");
        assertEquals(PatientState.WaitingForCashier, patient("P-1").state);
        assertEquals("High", patient("P-1").priority);
        assertEquals("Medium", patient("P-1").requestedPriority);
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"));
        assertEquals("Calling", desk("D-1").state);
        apply(new PatientPaymentPending(Q, "P-1", "card declined", 1));
        assertEquals(PatientState.PaymentPending, patient("P-1").state);
        assertEquals("Idle", desk("D-1").state);
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"));
        apply(new PatientAbsentAtCashier(Q, "P-1", 1));
        assertEquals(PatientState.WaitingForCashier, patient("P-1").state);
        assertEquals(1, patient("P-1").absences);
        assertNull(desk("D-1").patientId);
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"));
        apply(new PatientCancelledByPayment(Q, "P-1", "too many failures"));
        assertEquals(PatientState.Cancelled, patient("P-1").state);
        assertEquals("CancelledByPayment", patient("P-1").outcome);
        assertEquals(start.plusSeconds(version * 60), patient("P-1").finishedAt);
        assertEquals("Idle", desk("D-1").state);
        assertEquals(7, state.steps.size(), "one step per patient event (queue creation has none)");
    }

    @Test
    void roomCycleAndDeactivation() {
        apply(new WaitingQueueCreated(Q, "Main", 10));
        apply(new ConsultingRoomActivated(Q, "R-1"));
        checkIn("P-1");
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"));
        apply(new PatientPaymentValidated(Q, "P-1", "PAY"));
        assertEquals(PatientState.WaitingForConsultation, patient("P-1").state);
        apply(new PatientClaimedForAttention(Q, "P-1", "R-1"));
        apply(new PatientCalled(Q, "P-1", "R-1"));
        assertEquals("Calling", room("R-1").state);
        apply(new PatientAbsentAtConsultation(Q, "P-1", "R-1", 1));
        assertEquals(PatientState.WaitingForConsultation, patient("P-1").state);
        assertEquals("Idle", room("R-1").state);
        apply(new PatientClaimedForAttention(Q, "P-1", "R-1"));
        apply(new ConsultingRoomDeactivated(Q, "R-1"));
        assertEquals("Claimed", room("R-1").state, "a busy room keeps its patient when deactivated");
        apply(new PatientCancelledByAbsence(Q, "P-1", "R-1"));
        assertEquals("Inactive", room("R-1").state);
        assertTrue(patient("P-1").state.isFinished());
    }

    @Test
    void referencesToUnknownQueueOrPatientAreInconsistent() {
        assertThrows(InconsistentEventException.class, () -> apply(new ConsultingRoomActivated(Q, "R-1")));
        version = 0;
        apply(new WaitingQueueCreated(Q, "Main", 10));
        assertThrows(InconsistentEventException.class, () -> apply(new PatientCalled(Q, "P-404", "R-1")));
    }
}
