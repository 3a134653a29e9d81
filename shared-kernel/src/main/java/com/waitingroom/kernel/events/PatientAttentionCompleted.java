package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** The consultation ended; the room is free again. */
public record PatientAttentionCompleted(String queueId, String patientId, String roomId, String outcome, String notes)
        implements DomainEvent {
}
