package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/**
 * Payment accepted: the patient now waits for a consultation, at {@code lineSequence} in that line
 * (null in schema-1 events, see {@link com.waitingroom.kernel.LineOrder}).
 */
public record PatientPaymentValidated(String queueId, String patientId, String paymentReference, Long lineSequence)
        implements DomainEvent {
}
