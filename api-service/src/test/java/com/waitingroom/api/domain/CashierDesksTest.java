package com.waitingroom.api.domain;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.waitingroom.api.domain.QueueFixtures.assertRule;
import static com.waitingroom.api.domain.QueueFixtures.cashierLine;
import static com.waitingroom.api.domain.QueueFixtures.queueWith;
import static com.waitingroom.api.domain.QueueFixtures.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cashier desks are real and parallel; a pending payment never blocks one. */
class CashierDesksTest {

    private final List<DomainEvent> history = new ArrayList<>();

    @Test
    void twoDesksCallInParallelOnePatientEach() {
        WaitingQueue queue = queueWith(history, "P1", "Low", "P2", "Low", "P3", "Low");
        assertEquals(new PatientCalledAtCashier("Q1", "P1", "D1"), queue.callNextAtCashier("D1").get(0));
        assertEquals(new PatientCalledAtCashier("Q1", "P2", "D2"), queue.callNextAtCashier("D2").get(0));
        assertEquals(Map.of("D1", "P1", "D2", "P2"), queue.busyDesks());
        assertEquals(List.of("D1", "D2"), List.copyOf(queue.busyDesks().keySet()), "desk-id order");
        assertEquals("D1", queue.patient("P1").orElseThrow().deskId());
        assertEquals("D2", queue.patient("P2").orElseThrow().deskId());
        assertEquals(List.of("P3"), cashierLine(queue));
        assertThrows(UnsupportedOperationException.class, () -> queue.busyDesks().clear());

        // D2 finishes first and calls again while D1 still attends P1
        queue.validatePayment("P2", null);
        assertTrue(queue.deskOccupant("D2").isEmpty());
        assertEquals("P3", ((PatientCalledAtCashier) queue.callNextAtCashier("D2").get(0)).patientId());
        assertEquals("P1", queue.deskOccupant("D1").orElseThrow());
    }

    @Test
    void theSameDeskIsRefusedWhileBusyNamingTheDeskAndThePatient() {
        WaitingQueue queue = queueWith(history, "P1", "High", "P2", "Low");
        queue.callNextAtCashier("D1");
        long before = queue.version();
        RuleViolationException busy = assertRule(RuleCodes.CASHIER_BUSY, () -> queue.callNextAtCashier("D1"));
        assertTrue(busy.getMessage().contains("'D1'") && busy.getMessage().contains("'P1'"), busy.getMessage());
        assertEquals(PatientStatus.WAITING_FOR_CASHIER, status(queue, "P2"), "a refused call changes nothing");
        assertEquals(before, queue.version());
    }

    @Test
    void aCallWithoutDeskUsesTheMainDeskAndTheEventNamesIt() {
        WaitingQueue queue = queueWith(history, "P1", "Low", "P2", "Low", "P3", "Low");
        assertEquals(new PatientCalledAtCashier("Q1", "P1", PatientCalledAtCashier.DEFAULT_DESK),
                queue.callNextAtCashier(null).get(0));
        assertEquals("main", queue.patient("P1").orElseThrow().deskId());
        RuleViolationException busy = assertRule(RuleCodes.CASHIER_BUSY, () -> queue.callNextAtCashier(null));
        assertTrue(busy.getMessage().contains("'main'"), busy.getMessage());
        assertRule(RuleCodes.CASHIER_BUSY, () -> queue.callNextAtCashier("main"));
        assertEquals("P2", ((PatientCalledAtCashier) queue.callNextAtCashier("side").get(0)).patientId());
    }

    @Test
    void aPendingPaymentFreesTheDeskSoTheNextPatientCanBeCalled() {
        WaitingQueue queue = queueWith(history, "P1", "Urgent", "P2", "Low");
        queue.callNextAtCashier("D1");
        queue.markPaymentPending("P1", "card declined");
        Patient pending = queue.patient("P1").orElseThrow();
        assertEquals(PatientStatus.PAYMENT_PENDING, pending.status());
        assertNull(pending.deskId());
        assertTrue(queue.busyDesks().isEmpty());
        assertEquals("P2", ((PatientCalledAtCashier) queue.callNextAtCashier("D1").get(0)).patientId());

        // the pending patient is settled from anywhere, without taking a desk
        queue.markPaymentPending("P1", "still declined");
        assertEquals(2, queue.patient("P1").orElseThrow().paymentAttempts());
        assertEquals(Map.of("D1", "P2"), queue.busyDesks());
        queue.validatePayment("P1", "cash");
        assertEquals(PatientStatus.WAITING_FOR_CONSULTATION, status(queue, "P1"));
        assertEquals(Map.of("D1", "P2"), queue.busyDesks(), "settling a pending payment frees nobody else's desk");
    }

    @Test
    void cancellationByPaymentStillNeedsThreePendingAttempts() {
        WaitingQueue queue = queueWith(history, "P1", "Low");
        queue.callNextAtCashier(null);
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertRule(RuleCodes.PAYMENT_CANCELLATION_NOT_ALLOWED, () -> queue.cancelByPayment("P1", null));
            queue.markPaymentPending("P1", "declined");
        }
        queue.cancelByPayment("P1", null);
        assertEquals(PatientStatus.CANCELLED_BY_PAYMENT, status(queue, "P1"));
        assertEquals(0, queue.activePatientCount());
    }

    @Test
    void absencesFreeOnlyTheDeskOfTheAbsentPatient() {
        WaitingQueue queue = queueWith(history, "P1", "Low", "P2", "Low", "P3", "Low");
        queue.callNextAtCashier("D1");
        queue.callNextAtCashier("D2");
        queue.markAbsentAtCashier("P1");
        assertEquals(Map.of("D2", "P2"), queue.busyDesks());
        assertNull(queue.patient("P1").orElseThrow().deskId());
        // P1 was requeued behind P3
        assertEquals(List.of("P3", "P1"), cashierLine(queue));
        assertRule(RuleCodes.PATIENT_NOT_AT_CASHIER, () -> queue.markAbsentAtCashier("P1"));
        queue.validatePayment("P2", null);
        assertEquals("P3", ((PatientCalledAtCashier) queue.callNextAtCashier("D2").get(0)).patientId());
        assertEquals("P1", ((PatientCalledAtCashier) queue.callNextAtCashier("D1").get(0)).patientId());
        queue.markAbsentAtCashier("P1");
        assertEquals(Map.of("D2", "P3"), queue.busyDesks());
        queue.callNextAtCashier("D1");
        queue.markAbsentAtCashier("P1");
        assertEquals(Map.of("D2", "P3"), queue.busyDesks(), "the third absence cancels and frees the desk");
        assertEquals(PatientStatus.CANCELLED_BY_ABSENCE, status(queue, "P1"));
        assertNull(queue.patient("P1").orElseThrow().deskId());
    }
}
