package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** The called patient did not show up at the cashier and was put back in the cashier line. */
public record PatientAbsentAtCashier(String queueId, String patientId, int retryNumber) implements DomainEvent {
}
