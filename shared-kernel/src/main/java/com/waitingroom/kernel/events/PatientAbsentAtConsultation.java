package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** The called patient did not show up at the room and was put back in the consultation line. */
public record PatientAbsentAtConsultation(String queueId, String patientId, String roomId, int retryNumber)
        implements DomainEvent {
}
