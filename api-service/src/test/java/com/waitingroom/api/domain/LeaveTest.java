package com.waitingroom.api.domain;

import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.kernel.events.PatientLeft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.Set;

import static com.waitingroom.api.domain.QueueFixtures.assertRule;
import static com.waitingroom.api.domain.QueueFixtures.patient;
import static com.waitingroom.api.domain.QueueFixtures.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A patient can leave from any waiting state, never once the consultation started or the visit is over. */
class LeaveTest {

    private static final Set<PatientStatus> ALLOWED = EnumSet.of(PatientStatus.WAITING_FOR_CASHIER,
            PatientStatus.AT_CASHIER, PatientStatus.PAYMENT_PENDING, PatientStatus.WAITING_FOR_CONSULTATION,
            PatientStatus.CLAIMED, PatientStatus.CALLED_TO_CONSULTATION);

    /** Queue of capacity 2: P1 (High) brought to {@code target}, P2 (Low) waiting for the cashier. */
    private static WaitingQueue p1In(PatientStatus target) {
        WaitingQueue queue = WaitingQueue.empty("Q1");
        queue.create("Clinic", 2);
        queue.checkIn(patient("P1", "High"));
        queue.checkIn(patient("P2", "Low"));
        queue.activateRoom("R1");
        switch (target) {
            case WAITING_FOR_CASHIER -> { }
            case AT_CASHIER -> queue.callNextAtCashier("D1");
            case PAYMENT_PENDING -> {
                queue.callNextAtCashier("D1");
                queue.markPaymentPending("P1", "declined");
            }
            case CANCELLED_BY_PAYMENT -> {
                queue.callNextAtCashier("D1");
                for (int i = 0; i < WaitingQueue.MAX_PAYMENT_ATTEMPTS; i++) {
                    queue.markPaymentPending("P1", "declined");
                }
                queue.cancelByPayment("P1", null);
            }
            case CANCELLED_BY_ABSENCE -> {
                for (int i = 0; i <= WaitingQueue.MAX_CASHIER_ABSENCES; i++) {
                    queue.callNextAtCashier("D1");
                    queue.markAbsentAtCashier("P1");
                }
            }
            case LEFT -> queue.leave("P1", null);
            default -> {
                queue.callNextAtCashier("D1");
                queue.validatePayment("P1", null);
                consultationStep(queue, target);
            }
        }
        assertEquals(target, status(queue, "P1"));
        return queue;
    }

    private static void consultationStep(WaitingQueue queue, PatientStatus target) {
        if (target == PatientStatus.WAITING_FOR_CONSULTATION) {
            return;
        }
        queue.claimNextPatient("R1");
        if (target == PatientStatus.CLAIMED) {
            return;
        }
        queue.callPatient("P1");
        if (target == PatientStatus.CALLED_TO_CONSULTATION) {
            return;
        }
        queue.startConsultation("P1");
        if (target == PatientStatus.FINISHED) {
            queue.completeAttention("P1", null, null);
        }
    }

    @ParameterizedTest
    @EnumSource(value = PatientStatus.class, names = {"WAITING_FOR_CASHIER", "AT_CASHIER", "PAYMENT_PENDING",
            "WAITING_FOR_CONSULTATION", "CLAIMED", "CALLED_TO_CONSULTATION"})
    void leavingFromAWaitingStateEndsTheVisitAndFreesDeskRoomAndCapacity(PatientStatus from) {
        WaitingQueue queue = p1In(from);
        long before = queue.version();
        assertEquals(new PatientLeft("Q1", "P1", "tired of waiting"), queue.leave("P1", "tired of waiting").get(0));
        assertEquals(before + 1, queue.version());
        Patient left = queue.patient("P1").orElseThrow();
        assertEquals(PatientStatus.LEFT, left.status());
        assertFalse(left.status().isActive());
        assertNull(left.deskId());
        assertTrue(queue.busyDesks().isEmpty(), "no desk stays held by a patient who left");
        assertTrue(queue.activeRooms().containsKey("R1"));
        assertNull(queue.activeRooms().get("R1"), "the room is free again");
        // the freed desk calls the next patient, and the freed place takes a new check-in
        assertEquals("P2", ((PatientCalledAtCashier) queue.callNextAtCashier("D1").get(0)).patientId());
        queue.checkIn(patient("P3", "Low"));
        assertEquals(2, queue.activePatientCount());
        assertRule(RuleCodes.PATIENT_CANNOT_LEAVE, () -> queue.leave("P1", null));
    }

    @ParameterizedTest
    @EnumSource(value = PatientStatus.class, names = {"IN_CONSULTATION", "FINISHED", "CANCELLED_BY_PAYMENT",
            "CANCELLED_BY_ABSENCE", "LEFT"})
    void leavingIsRefusedInConsultationAndAfterTheVisit(PatientStatus from) {
        WaitingQueue queue = p1In(from);
        long before = queue.version();
        RuleViolationException refused = assertRule(RuleCodes.PATIENT_CANNOT_LEAVE, () -> queue.leave("P1", null));
        assertTrue(refused.getMessage().contains(from.name()), refused.getMessage());
        assertEquals(before, queue.version());
        assertEquals(from, status(queue, "P1"));
    }

    @Test
    void theAllowedStatesAreExactlyTheActiveOnesBeforeTheConsultation() {
        for (PatientStatus status : PatientStatus.values()) {
            assertEquals(ALLOWED.contains(status), status.canLeave(), status.name());
        }
        assertFalse(PatientStatus.LEFT.isActive());
    }

    @Test
    void aPatientWhoLeftMayCheckInAgainForANewVisit() {
        WaitingQueue queue = p1In(PatientStatus.AT_CASHIER);
        queue.leave("P1", null);
        PatientCheckedIn again = (PatientCheckedIn) queue.checkIn(patient("P1", "Low")).get(0);
        assertEquals(2, again.visit());
        assertEquals(2, queue.patient("P1").orElseThrow().visit());
        assertEquals(PatientStatus.WAITING_FOR_CASHIER, status(queue, "P1"));
    }

    @Test
    void unknownPatientsCannotLeave() {
        WaitingQueue queue = p1In(PatientStatus.WAITING_FOR_CASHIER);
        assertEquals(NotFoundException.PATIENT_NOT_FOUND,
                assertThrows(NotFoundException.class, () -> queue.leave("NOBODY", null)).code());
    }
}
