package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** The called patient arrived and the consultation began. */
public record PatientConsultationStarted(String queueId, String patientId, String roomId) implements DomainEvent {
}
