package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** The visit was cancelled after the payment failed the maximum number of times. */
public record PatientCancelledByPayment(String queueId, String patientId, String reason) implements DomainEvent {
}
