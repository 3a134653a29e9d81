package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** Payment could not be completed yet; {@code attempt} counts from 1 to the limit. */
public record PatientPaymentPending(String queueId, String patientId, String reason, int attempt) implements DomainEvent {
}
