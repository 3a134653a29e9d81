package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/**
 * The called patient did not show up at the cashier and was put back in the cashier line, at
 * {@code lineSequence} (the back of its priority; null in schema-1 events, see
 * {@link com.waitingroom.kernel.LineOrder}).
 */
public record PatientAbsentAtCashier(String queueId, String patientId, int retryNumber, Long lineSequence)
        implements DomainEvent {
}
