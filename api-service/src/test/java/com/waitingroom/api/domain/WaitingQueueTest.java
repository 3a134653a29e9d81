package com.waitingroom.api.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.ConsultingRoomDeactivated;
import com.waitingroom.kernel.events.PatientAbsentAtCashier;
import com.waitingroom.kernel.events.PatientAbsentAtConsultation;
import com.waitingroom.kernel.events.PatientAttentionCompleted;
import com.waitingroom.kernel.events.PatientCalled;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientCancelledByAbsence;
import com.waitingroom.kernel.events.PatientCancelledByPayment;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.kernel.events.PatientClaimedForAttention;
import com.waitingroom.kernel.events.PatientConsultationStarted;
import com.waitingroom.kernel.events.PatientPaymentPending;
import com.waitingroom.kernel.events.PatientPaymentValidated;
import com.waitingroom.kernel.events.WaitingQueueCreated;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitingQueueTest {

    private final List<DomainEvent> history = new ArrayList<>();

    private static CheckIn patient(String id, String priority) {
        return QueueFixtures.patient(id, priority);
    }

    private WaitingQueue queueWith(String... patientsAndPriorities) {
        return QueueFixtures.queueWith(history, patientsAndPriorities);
    }

    private static void assertRule(String code, Runnable command) {
        QueueFixtures.assertRule(code, command);
    }

    /** Brings P1 to the consultation line (paid) and activates room R1. */
    private WaitingQueue paidPatientAndActiveRoom() {
        WaitingQueue queue = queueWith("P1", "Low");
        queue.callNextAtCashier("D1");
        queue.validatePayment("P1", "REF");
        queue.activateRoom("R1");
        return queue;
    }

    // ------------------------------------------------------------ creation and check-in

    @Test
    void firstCheckInCreatesTheQueueWithDefaults() {
        WaitingQueue queue = WaitingQueue.empty("Q1");
        List<DomainEvent> events = queue.checkIn(patient("p-1", "Medium"));
        assertEquals(2, events.size());
        WaitingQueueCreated created = assertInstanceOf(WaitingQueueCreated.class, events.get(0));
        assertEquals(new WaitingQueueCreated("Q1", "Q1", 100), created);
        PatientCheckedIn checkedIn = assertInstanceOf(PatientCheckedIn.class, events.get(1));
        assertEquals("P-1", checkedIn.patientId());
        assertEquals(1, checkedIn.queuePosition());
        assertEquals(1L, checkedIn.lineSequence(), "the first patient draws the counter's first number");
        assertEquals(1, checkedIn.visit());
        assertEquals(2, queue.version());
        assertEquals(PatientStatus.WAITING_FOR_CASHIER, queue.patient("P-1").orElseThrow().status());
    }

    @Test
    void explicitCreationTwiceIsRejected() {
        WaitingQueue queue = WaitingQueue.empty("Q1");
        queue.create("Clinic", 5);
        assertEquals(5, queue.maxCapacity());
        assertRule(RuleCodes.QUEUE_ALREADY_EXISTS, () -> queue.create("Clinic", 5));
    }

    @Test
    void commandsOnAnUnknownQueueAreNotFound() {
        WaitingQueue queue = WaitingQueue.empty("Q1");
        NotFoundException e = assertThrows(NotFoundException.class, () -> queue.callNextAtCashier(null));
        assertEquals(NotFoundException.QUEUE_NOT_FOUND, e.code());
        assertEquals(NotFoundException.QUEUE_NOT_FOUND,
                assertThrows(NotFoundException.class, () -> queue.activateRoom("R1")).code());
        assertEquals(NotFoundException.QUEUE_NOT_FOUND,
                assertThrows(NotFoundException.class, () -> queue.validatePayment("P1", null)).code());
    }

    @Test
    void unknownPatientIsNotFound() {
        WaitingQueue queue = queueWith("P1", "Low");
        assertEquals(NotFoundException.PATIENT_NOT_FOUND,
                assertThrows(NotFoundException.class, () -> queue.callPatient("NOPE")).code());
    }

    @Test
    void queueAtCapacityRejectsCheckInButFinishedPatientsFreeTheirPlace() {
        WaitingQueue queue = WaitingQueue.empty("Q1");
        queue.create("Small", 1);
        queue.checkIn(patient("P1", "Low"));
        assertRule(RuleCodes.QUEUE_AT_CAPACITY, () -> queue.checkIn(patient("P2", "Low")));
        // P1 leaves (cancelled after three cashier absences): the place is free again.
        for (int i = 0; i < 3; i++) {
            queue.callNextAtCashier(null);
            queue.markAbsentAtCashier("P1");
        }
        assertEquals(PatientStatus.CANCELLED_BY_ABSENCE, queue.patient("P1").orElseThrow().status());
        queue.checkIn(patient("P2", "Low"));
        assertEquals(1, queue.activePatientCount());
    }

    @Test
    void activePatientCannotCheckInTwiceButMayReturnAfterTheVisit() {
        WaitingQueue queue = queueWith("P1", "Low");
        assertRule(RuleCodes.PATIENT_ALREADY_ACTIVE, () -> queue.checkIn(patient(" p1 ", "High")));
        queue.callNextAtCashier(null);
        queue.markAbsentAtCashier("P1");
        queue.callNextAtCashier(null);
        queue.markAbsentAtCashier("P1");
        queue.callNextAtCashier(null);
        queue.markAbsentAtCashier("P1");
        List<DomainEvent> again = queue.checkIn(patient("P1", "High"));
        assertInstanceOf(PatientCheckedIn.class, again.get(0));
        assertEquals(PatientStatus.WAITING_FOR_CASHIER, queue.patient("P1").orElseThrow().status());
        assertEquals(0, queue.patient("P1").orElseThrow().cashierAbsences());
    }

    @Test
    void queuePositionCountsPatientsWithAtLeastTheSamePriority() {
        WaitingQueue queue = queueWith("L1", "Low", "H1", "High", "M1", "Medium");
        List<DomainEvent> events = queue.checkIn(patient("H2", "High"));
        assertEquals(2, ((PatientCheckedIn) events.get(0)).queuePosition());
        events = queue.checkIn(patient("U1", "Urgent"));
        assertEquals(1, ((PatientCheckedIn) events.get(0)).queuePosition());
        events = queue.checkIn(patient("L2", "low"));
        assertEquals(6, ((PatientCheckedIn) events.get(0)).queuePosition());
    }

    @Test
    void vulnerablePatientsAreRaisedToHighButNeverLowered() {
        assertEquals(Priority.HIGH, CheckIn.of("A", "n", "Low", "General", null, null, true).effectivePriority());
        assertEquals(Priority.HIGH, CheckIn.of("A", "n", "Low", "General", null, 17, false).effectivePriority());
        assertEquals(Priority.HIGH, CheckIn.of("A", "n", "Medium", "General", null, 66, false).effectivePriority());
        assertEquals(Priority.LOW, CheckIn.of("A", "n", "Low", "General", null, 18, false).effectivePriority());
        assertEquals(Priority.LOW, CheckIn.of("A", "n", "Low", "General", null, 65, false).effectivePriority());
        assertEquals(Priority.URGENT, CheckIn.of("A", "n", "Urgent", "General", null, 90, true).effectivePriority());

        WaitingQueue queue = WaitingQueue.empty("Q1");
        PatientCheckedIn event = (PatientCheckedIn) queue.checkIn(
                CheckIn.of("A", "n", "Low", "General", null, 70, false)).get(1);
        assertEquals(Priority.HIGH, event.priority());
        assertEquals(Priority.LOW, event.requestedPriority());
    }

    // ------------------------------------------------------------ input rules

    @Test
    void patientIdIsTrimmedUpperCasedAndLimited() {
        assertEquals("AB.C-1", CheckIn.of("  ab.c-1 ", "n", "Low", "General", null, null, null).patientId());
        assertEquals("A2345678901234567890",
                CheckIn.of("a2345678901234567890", "n", "Low", "General", null, null, null).patientId());
        assertInvalid("patientId", () -> CheckIn.of("a23456789012345678901", "n", "Low", "General", null, null, null));
        assertInvalid("patientId", () -> CheckIn.of("a b", "n", "Low", "General", null, null, null));
        assertInvalid("patientId", () -> CheckIn.of("a_b", "n", "Low", "General", null, null, null));
        assertInvalid("patientId", () -> CheckIn.of("  ", "n", "Low", "General", null, null, null));
    }

    @Test
    void checkInFieldsAreValidatedTogether() {
        InvalidCommandException e = assertThrows(InvalidCommandException.class,
                () -> CheckIn.of(null, " ", "Critical", "G", "x".repeat(1001), 151, null));
        List<String> fields = e.errors().stream().map(FieldError::field).toList();
        assertEquals(List.of("patientId", "patientName", "priority", "consultationType", "notes", "age"), fields);
        assertInvalid("consultationType", () -> CheckIn.of("A", "n", "Low", "x".repeat(101), null, null, null));
        assertInvalid("age", () -> CheckIn.of("A", "n", "Low", "General", null, -1, null));
        assertInvalid("priority", () -> CheckIn.of("A", "n", null, "General", null, null, null));
        assertEquals(Priority.URGENT, CheckIn.of("A", "n", "uRgEnT", "GP", null, 0, null).requestedPriority());
    }

    private static void assertInvalid(String field, Runnable command) {
        InvalidCommandException e = assertThrows(InvalidCommandException.class, command::run);
        assertEquals(field, e.errors().get(0).field());
    }

    // ------------------------------------------------------------ cashier

    @Test
    void cashierCallsHighestPriorityThenEarliestCheckIn() {
        WaitingQueue queue = queueWith("L1", "Low", "H1", "High", "H2", "High", "M1", "Medium");
        assertEquals(new PatientCalledAtCashier("Q1", "H1", "D1"), queue.callNextAtCashier("D1").get(0));
        assertRule(RuleCodes.CASHIER_BUSY, () -> queue.callNextAtCashier("D1"));
        queue.validatePayment("H1", null);
        assertEquals("H2", ((PatientCalledAtCashier) queue.callNextAtCashier(null).get(0)).patientId());
        queue.validatePayment("H2", null);
        assertEquals("M1", ((PatientCalledAtCashier) queue.callNextAtCashier(null).get(0)).patientId());
        queue.validatePayment("M1", null);
        assertEquals("L1", ((PatientCalledAtCashier) queue.callNextAtCashier(null).get(0)).patientId());
        queue.validatePayment("L1", null);
        assertRule(RuleCodes.NO_PATIENT_WAITING_FOR_CASHIER, () -> queue.callNextAtCashier(null));
    }

    @Test
    void paymentValidationOnlyForThePatientAtTheCashierAndFreesIt() {
        WaitingQueue queue = queueWith("P1", "Low", "P2", "Low");
        assertRule(RuleCodes.PATIENT_NOT_AT_CASHIER, () -> queue.validatePayment("P1", null));
        queue.callNextAtCashier(null);
        assertRule(RuleCodes.PATIENT_NOT_AT_CASHIER, () -> queue.validatePayment("P2", null));
        // P1 and P2 drew 1 and 2 at check-in: entering the consultation line draws 3
        assertEquals(new PatientPaymentValidated("Q1", "P1", "REF-9", 3L), queue.validatePayment("P1", "REF-9").get(0));
        assertEquals(PatientStatus.WAITING_FOR_CONSULTATION, queue.patient("P1").orElseThrow().status());
        assertNull(queue.patient("P1").orElseThrow().deskId());
        assertTrue(queue.busyDesks().isEmpty());
        queue.callNextAtCashier(null);
        assertEquals("P2", queue.deskOccupant("main").orElseThrow());
    }

    @Test
    void paymentPendingCountsAttemptsUpToThreeThenOnlyCancellationValidationOrLeave() {
        WaitingQueue queue = queueWith("P1", "Low");
        assertRule(RuleCodes.PATIENT_NOT_AT_CASHIER, () -> queue.markPaymentPending("P1", "card declined"));
        queue.callNextAtCashier(null);
        assertRule(RuleCodes.PAYMENT_CANCELLATION_NOT_ALLOWED, () -> queue.cancelByPayment("P1", "x"));
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertEquals(new PatientPaymentPending("Q1", "P1", "declined", attempt),
                    queue.markPaymentPending("P1", "declined").get(0));
            if (attempt < 3) {
                assertRule(RuleCodes.PAYMENT_CANCELLATION_NOT_ALLOWED, () -> queue.cancelByPayment("P1", "x"));
            }
        }
        assertRule(RuleCodes.PAYMENT_ATTEMPTS_EXHAUSTED, () -> queue.markPaymentPending("P1", "again"));
        assertTrue(queue.busyDesks().isEmpty(), "a pending payment holds no desk");
        assertEquals(new PatientCancelledByPayment("Q1", "P1", "gave up"),
                queue.cancelByPayment("P1", "gave up").get(0));
        assertEquals(PatientStatus.CANCELLED_BY_PAYMENT, queue.patient("P1").orElseThrow().status());
        assertTrue(queue.busyDesks().isEmpty());
        assertRule(RuleCodes.PAYMENT_CANCELLATION_NOT_ALLOWED, () -> queue.cancelByPayment("P1", "twice"));
    }

    @Test
    void pendingPaymentCanStillBeValidated() {
        WaitingQueue queue = queueWith("P1", "Low");
        queue.callNextAtCashier(null);
        queue.markPaymentPending("P1", "no cash");
        queue.validatePayment("P1", "later");
        assertEquals(PatientStatus.WAITING_FOR_CONSULTATION, queue.patient("P1").orElseThrow().status());
    }

    @Test
    void absenceAtCashierRequeuesTwiceAtTheBackThenCancels() {
        WaitingQueue queue = queueWith("P1", "High", "P2", "High");
        assertRule(RuleCodes.PATIENT_NOT_AT_CASHIER, () -> queue.markAbsentAtCashier("P1"));
        queue.callNextAtCashier(null);
        assertEquals(new PatientAbsentAtCashier("Q1", "P1", 1, 3L), queue.markAbsentAtCashier("P1").get(0));
        assertEquals(PatientStatus.WAITING_FOR_CASHIER, queue.patient("P1").orElseThrow().status());
        assertTrue(queue.busyDesks().isEmpty());
        // requeued behind P2 of the same priority
        assertEquals("P2", ((PatientCalledAtCashier) queue.callNextAtCashier(null).get(0)).patientId());
        queue.validatePayment("P2", null);
        queue.callNextAtCashier(null);
        // P2's validation drew 4, so the second requeue draws 5
        assertEquals(new PatientAbsentAtCashier("Q1", "P1", 2, 5L), queue.markAbsentAtCashier("P1").get(0));
        queue.callNextAtCashier(null);
        assertEquals(new PatientCancelledByAbsence("Q1", "P1", null), queue.markAbsentAtCashier("P1").get(0));
        assertEquals(PatientStatus.CANCELLED_BY_ABSENCE, queue.patient("P1").orElseThrow().status());
        assertTrue(queue.busyDesks().isEmpty());
    }

    // ------------------------------------------------------------ rooms and consultation

    @Test
    void roomsCannotBeActivatedOrDeactivatedTwice() {
        WaitingQueue queue = queueWith();
        assertEquals(new ConsultingRoomActivated("Q1", "R1"), queue.activateRoom("R1").get(0));
        assertRule(RuleCodes.ROOM_ALREADY_ACTIVE, () -> queue.activateRoom("R1"));
        assertEquals(new ConsultingRoomDeactivated("Q1", "R1"), queue.deactivateRoom("R1").get(0));
        assertRule(RuleCodes.ROOM_NOT_ACTIVE, () -> queue.deactivateRoom("R1"));
        assertRule(RuleCodes.ROOM_NOT_ACTIVE, () -> queue.deactivateRoom("NEVER"));
    }

    @Test
    void claimNeedsAnActiveFreeRoomAndAWaitingPatient() {
        WaitingQueue queue = queueWith("P1", "Low");
        assertRule(RuleCodes.ROOM_NOT_ACTIVE, () -> queue.claimNextPatient("R1"));
        queue.activateRoom("R1");
        assertRule(RuleCodes.NO_PATIENT_WAITING_FOR_CONSULTATION, () -> queue.claimNextPatient("R1"));
        queue.callNextAtCashier(null);
        queue.validatePayment("P1", null);
        assertEquals(new PatientClaimedForAttention("Q1", "P1", "R1"), queue.claimNextPatient("R1").get(0));
        assertRule(RuleCodes.ROOM_BUSY, () -> queue.claimNextPatient("R1"));
        assertRule(RuleCodes.ROOM_BUSY, () -> queue.deactivateRoom("R1"));
    }

    @Test
    void consultationLineIsPriorityThenLineSequenceAndEachActiveRoomTakesOnePatient() {
        WaitingQueue queue = queueWith("L1", "Low", "M1", "Medium", "M2", "Medium", "U1", "Urgent");
        for (String id : List.of("U1", "M1", "M2", "L1")) {
            queue.callNextAtCashier(null);
            queue.validatePayment(id, null);
        }
        queue.activateRoom("R1");
        queue.activateRoom("R2");
        queue.activateRoom("R3");
        assertEquals("U1", ((PatientClaimedForAttention) queue.claimNextPatient("R2").get(0)).patientId());
        assertEquals("M1", ((PatientClaimedForAttention) queue.claimNextPatient("R1").get(0)).patientId());
        assertEquals("M2", ((PatientClaimedForAttention) queue.claimNextPatient("R3").get(0)).patientId());
        assertEquals("U1", queue.activeRooms().get("R2"));
        assertEquals("M1", queue.activeRooms().get("R1"));
    }

    @Test
    void fullConsultationFlowFreesTheRoom() {
        WaitingQueue queue = paidPatientAndActiveRoom();
        assertRule(RuleCodes.PATIENT_NOT_CLAIMED, () -> queue.callPatient("P1"));
        queue.claimNextPatient("R1");
        assertRule(RuleCodes.PATIENT_NOT_CALLED, () -> queue.startConsultation("P1"));
        assertRule(RuleCodes.PATIENT_NOT_IN_CONSULTATION, () -> queue.completeAttention("P1", "ok", null));
        assertEquals(new PatientCalled("Q1", "P1", "R1"), queue.callPatient("P1").get(0));
        assertRule(RuleCodes.PATIENT_NOT_CLAIMED, () -> queue.callPatient("P1"));
        assertEquals(new PatientConsultationStarted("Q1", "P1", "R1"), queue.startConsultation("P1").get(0));
        assertEquals(new PatientAttentionCompleted("Q1", "P1", "R1", "discharged", "rest"),
                queue.completeAttention("P1", "discharged", "rest").get(0));
        assertEquals(PatientStatus.FINISHED, queue.patient("P1").orElseThrow().status());
        assertNull(queue.activeRooms().get("R1"));
        assertTrue(queue.activeRooms().containsKey("R1"));
        queue.deactivateRoom("R1");
        assertEquals(0, queue.activePatientCount());
    }

    @Test
    void absenceAtConsultationRequeuesOnceThenCancels() {
        WaitingQueue queue = paidPatientAndActiveRoom();
        queue.claimNextPatient("R1");
        assertRule(RuleCodes.PATIENT_NOT_CALLED, () -> queue.markAbsentAtConsultation("P1"));
        queue.callPatient("P1");
        // check-in drew 1, the validation 2: the requeue draws 3
        assertEquals(new PatientAbsentAtConsultation("Q1", "P1", "R1", 1, 3L),
                queue.markAbsentAtConsultation("P1").get(0));
        assertEquals(PatientStatus.WAITING_FOR_CONSULTATION, queue.patient("P1").orElseThrow().status());
        assertNull(queue.activeRooms().get("R1"), "the room is free again");
        queue.claimNextPatient("R1");
        queue.callPatient("P1");
        assertEquals(new PatientCancelledByAbsence("Q1", "P1", "R1"), queue.markAbsentAtConsultation("P1").get(0));
        assertEquals(PatientStatus.CANCELLED_BY_ABSENCE, queue.patient("P1").orElseThrow().status());
        assertNull(queue.activeRooms().get("R1"));
        assertFalse(queue.patient("P1").orElseThrow().status().isActive());
    }

    // ------------------------------------------------------------ event sourcing

    @Test
    void replayingTheEventsRebuildsTheSameState() throws Exception {
        WaitingQueue live = queueWith("P1", "Low", "P2", "Urgent");
        history.addAll(live.callNextAtCashier("D1"));
        history.addAll(live.markPaymentPending("P2", "card"));
        history.addAll(live.validatePayment("P2", "R"));
        history.addAll(live.activateRoom("R1"));
        history.addAll(live.claimNextPatient("R1"));
        history.addAll(live.callPatient("P2"));

        WaitingQueue replayed = WaitingQueue.empty("Q1");
        for (int i = 0; i < history.size(); i++) {
            replayed.replay(history.get(i), i + 1);
        }
        ObjectMapper mapper = EventCodec.newObjectMapper();
        assertEquals(mapper.writeValueAsString(live.snapshot()), mapper.writeValueAsString(replayed.snapshot()));

        // and a snapshot round trip through JSON restores it too
        QueueSnapshot copy = mapper.readValue(mapper.writeValueAsString(live.snapshot()), QueueSnapshot.class);
        WaitingQueue restored = WaitingQueue.fromSnapshot(copy);
        assertEquals(live.version(), restored.version());
        restored.startConsultation("P2");
        assertEquals(PatientStatus.IN_CONSULTATION, restored.patient("P2").orElseThrow().status());
        assertEquals("P1", ((PatientCalledAtCashier) restored.callNextAtCashier(null).get(0)).patientId());
    }

    @Test
    void replayRefusesAGapInTheStream() {
        WaitingQueue queue = WaitingQueue.empty("Q1");
        queue.replay(new WaitingQueueCreated("Q1", "Q1", 10), 1);
        assertThrows(IllegalStateException.class,
                () -> queue.replay(new ConsultingRoomActivated("Q1", "R1"), 3));
    }
}
