package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** A consulting room took the next patient waiting for consultation. */
public record PatientClaimedForAttention(String queueId, String patientId, String roomId) implements DomainEvent {
}
