package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** Payment accepted: the patient now waits for a consultation and the cashier is free. */
public record PatientPaymentValidated(String queueId, String patientId, String paymentReference) implements DomainEvent {
}
