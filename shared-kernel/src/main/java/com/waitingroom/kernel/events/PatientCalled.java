package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** A claimed patient was called to the consulting room (what the waiting-room display shows). */
public record PatientCalled(String queueId, String patientId, String roomId) implements DomainEvent {
}
