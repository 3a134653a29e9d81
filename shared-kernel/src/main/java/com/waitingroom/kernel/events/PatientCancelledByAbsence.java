package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** The visit was cancelled after the patient missed the consultation call twice. */
public record PatientCancelledByAbsence(String queueId, String patientId, String roomId) implements DomainEvent {
}
