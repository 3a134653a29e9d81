package com.waitingroom.projection.domain;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.LineOrder;
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
import com.waitingroom.kernel.events.PatientLeft;
import com.waitingroom.kernel.events.PatientPaymentPending;
import com.waitingroom.kernel.events.PatientPaymentValidated;
import com.waitingroom.kernel.events.WaitingQueueCreated;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        apply(event, "test", null);
    }

    private void apply(DomainEvent event, String actor, String actorRole) {
        version++;
        EventEnvelope envelope = EventCodec.standard().wrap(event, UUID.randomUUID(), version,
                start.plusSeconds(version * 60), null, null, actor, actorRole);
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

    /** A schema-1 check-in: no line sequence, no visit (the projector derives both). */
    private void checkIn(String id) {
        checkIn(id, Priority.HIGH, null, null);
    }

    private void checkIn(String id, Priority priority, Long lineSequence, Integer visit) {
        apply(new PatientCheckedIn(Q, id, "Name " + id, priority, Priority.MEDIUM, "General", null, 70, false, 1,
                lineSequence, visit));
    }

    private QueueRecord queue() {
        return state.queues.get(Q);
    }

    /** Patient ids of one state in line order, sorted with the kernel's LineOrder. */
    private List<String> line(PatientState lineState) {
        return state.patients.values().stream().filter(p -> p.state == lineState)
                .sorted((a, b) -> LineOrder.compare(a.priorityLevel, a.lineSequence, b.priorityLevel, b.lineSequence))
                .map(p -> p.patientId).toList();
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
        apply(new PatientAbsentAtCashier(Q, "P-1", 1, null));
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
        apply(new PatientPaymentValidated(Q, "P-1", "PAY", null));
        assertEquals(PatientState.WaitingForConsultation, patient("P-1").state);
        apply(new PatientClaimedForAttention(Q, "P-1", "R-1"));
        apply(new PatientCalled(Q, "P-1", "R-1"));
        assertEquals("Calling", room("R-1").state);
        apply(new PatientAbsentAtConsultation(Q, "P-1", "R-1", 1, null));
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

    @Test
    void schemaOneEventsDrawLineSequencesFromTheQueueCounterAsTheAggregateDid() {
        apply(new WaitingQueueCreated(Q, "Main", 10));
        checkIn("P-1");
        checkIn("P-2");
        checkIn("P-3");
        assertEquals(List.of(1L, 2L, 3L), List.of(patient("P-1").lineSequence, patient("P-2").lineSequence,
                patient("P-3").lineSequence));
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"));
        apply(new PatientAbsentAtCashier(Q, "P-1", 1, null));
        assertEquals(4, patient("P-1").lineSequence, "a requeue draws the next number");
        apply(new PatientCalledAtCashier(Q, "P-2", "D-1"));
        apply(new PatientPaymentValidated(Q, "P-2", "PAY", null));
        assertEquals(5, patient("P-2").lineSequence, "a validated payment draws the next number");
        assertEquals(6, queue().nextLineSequence);
        // A carried sequence wins and moves the counter past it; schema-1 events continue after it.
        checkIn("P-4", Priority.HIGH, 9L, 1);
        assertEquals(9, patient("P-4").lineSequence);
        checkIn("P-5");
        assertEquals(10, patient("P-5").lineSequence);
        assertEquals(List.of("P-3", "P-1", "P-4", "P-5"), line(PatientState.WaitingForCashier));
    }

    @Test
    void carriedSequencesAreUsedAsTheyAre() {
        apply(new WaitingQueueCreated(Q, "Main", 10));
        checkIn("P-1", Priority.LOW, 1L, 1);
        checkIn("P-2", Priority.LOW, 2L, 1);
        checkIn("P-3", Priority.URGENT, 3L, 1);
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"));
        apply(new PatientAbsentAtCashier(Q, "P-1", 1, 4L));
        assertEquals(List.of("P-3", "P-2", "P-1"), line(PatientState.WaitingForCashier),
                "the requeued patient is at the back of its priority, not ahead of higher priorities");
        apply(new PatientCalledAtCashier(Q, "P-2", "D-1"));
        apply(new PatientPaymentValidated(Q, "P-2", "PAY-2", 5L));
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"));
        apply(new PatientPaymentValidated(Q, "P-1", "PAY-1", 6L));
        assertEquals(List.of("P-2", "P-1"), line(PatientState.WaitingForConsultation));
        assertEquals(7, queue().nextLineSequence);
    }

    @Test
    void aCallWithoutDeskUsesTheMainDesk() {
        apply(new WaitingQueueCreated(Q, "Main", 10));
        checkIn("P-1");
        apply(new PatientCalledAtCashier(Q, "P-1", null));
        assertEquals(PatientCalledAtCashier.DEFAULT_DESK, patient("P-1").deskId);
        assertEquals("Calling", desk("main").state);
        assertEquals("P-1", desk("main").patientId);
        apply(new PatientPaymentValidated(Q, "P-1", "PAY", null));
        assertEquals("Idle", desk("main").state);
    }

    @Test
    void desksHoldOnePatientEachInParallel() {
        apply(new WaitingQueueCreated(Q, "Main", 10));
        checkIn("P-1");
        checkIn("P-2");
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"));
        apply(new PatientCalledAtCashier(Q, "P-2", "D-2"));
        assertEquals("P-1", desk("D-1").patientId);
        assertEquals("P-2", desk("D-2").patientId);
        apply(new PatientPaymentPending(Q, "P-1", null, 1));
        assertNull(desk("D-1").patientId, "a pending payment frees the desk");
        assertNull(patient("P-1").deskId);
        assertEquals("P-2", desk("D-2").patientId);
    }

    @Test
    void aPatientLeavesFromAnyWaitingStateAndFreesDeskOrRoom() {
        apply(new WaitingQueueCreated(Q, "Main", 10));
        apply(new ConsultingRoomActivated(Q, "R-1"));
        for (String id : List.of("P-1", "P-2", "P-3", "P-4", "P-5", "P-6")) {
            checkIn(id);
        }
        apply(new PatientLeft(Q, "P-1", "gave up"));
        apply(new PatientCalledAtCashier(Q, "P-2", "D-1"));
        apply(new PatientLeft(Q, "P-2", "left the desk"));
        assertEquals("Idle", desk("D-1").state);
        apply(new PatientCalledAtCashier(Q, "P-3", "D-1"));
        apply(new PatientPaymentPending(Q, "P-3", null, 1));
        apply(new PatientLeft(Q, "P-3", null));
        apply(new PatientCalledAtCashier(Q, "P-4", "D-1"));
        apply(new PatientPaymentValidated(Q, "P-4", "PAY", null));
        apply(new PatientClaimedForAttention(Q, "P-4", "R-1"));
        apply(new PatientLeft(Q, "P-4", "claimed"));
        assertEquals("Idle", room("R-1").state);
        apply(new PatientCalledAtCashier(Q, "P-5", "D-1"));
        apply(new PatientPaymentValidated(Q, "P-5", "PAY", null));
        apply(new PatientClaimedForAttention(Q, "P-5", "R-1"));
        apply(new PatientCalled(Q, "P-5", "R-1"));
        apply(new PatientLeft(Q, "P-5", "called"));
        assertEquals("Idle", room("R-1").state);
        assertNull(room("R-1").patientId);
        for (String id : List.of("P-1", "P-2", "P-3", "P-4", "P-5")) {
            PatientRecord left = patient(id);
            assertEquals(PatientState.Left, left.state, id);
            assertTrue(left.state.isFinished(), id);
            assertFalse(left.state.isWaiting(), id);
            assertEquals("Left", left.outcome, id);
            assertEquals(start.plusSeconds(60 * stepVersion(id)), left.finishedAt, id);
        }
        assertEquals("gave up", patient("P-1").notes);
        TrajectoryStep last = state.steps.get(state.steps.size() - 1);
        assertEquals("PatientLeft", last.eventType());
        assertEquals(PatientState.Left, last.state());
        assertEquals("called", last.detail());
        assertEquals(List.of("P-6"), line(PatientState.WaitingForCashier));
    }

    /** The version of the patient's last step (the event that finished the visit). */
    private long stepVersion(String patientId) {
        return state.steps.stream().filter(s -> s.patientId().equals(patientId)).mapToLong(TrajectoryStep::version)
                .max().orElseThrow();
    }

    @Test
    void aSecondVisitStartsAFreshRowAndNumbersItsSteps() {
        apply(new WaitingQueueCreated(Q, "Main", 10));
        checkIn("P-1");
        assertEquals(1, patient("P-1").visit);
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"));
        apply(new PatientLeft(Q, "P-1", "back later"));
        checkIn("P-1"); // schema 1: previous visit + 1
        assertEquals(2, patient("P-1").visit);
        assertEquals(PatientState.WaitingForCashier, patient("P-1").state);
        assertNull(patient("P-1").outcome, "the new visit starts clean");
        apply(new PatientLeft(Q, "P-1", null));
        checkIn("P-1", Priority.LOW, null, 7); // schema 2 carries the visit
        assertEquals(7, patient("P-1").visit);
        assertEquals(List.of(1, 1, 1, 2, 2, 7), state.steps.stream().map(TrajectoryStep::visit).toList());
    }

    @Test
    void eachStepCarriesTheActorAndRoleOfItsEvent() {
        apply(new WaitingQueueCreated(Q, "Main", 10), "admin-1", "admin");
        apply(new PatientCheckedIn(Q, "P-1", "Ana", Priority.HIGH, Priority.HIGH, "General", null, 70, false, 1,
                1L, 1), "reception-7", "receptionist");
        apply(new PatientCalledAtCashier(Q, "P-1", "D-1"), "cashier-2", "cashier");
        apply(new PatientLeft(Q, "P-1", "back later"), "legacy-header", null); // recorded before access control
        assertEquals(List.of("reception-7", "cashier-2", "legacy-header"),
                state.steps.stream().map(TrajectoryStep::actor).toList());
        assertEquals(java.util.Arrays.asList("receptionist", "cashier", null),
                state.steps.stream().map(TrajectoryStep::actorRole).toList());
    }
}
