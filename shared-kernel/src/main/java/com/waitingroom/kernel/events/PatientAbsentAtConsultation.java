package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/**
 * The called patient did not show up at the room and was put back in the consultation line, at
 * {@code lineSequence} (the back of its priority; null in schema-1 events, see
 * {@link com.waitingroom.kernel.LineOrder}).
 */
public record PatientAbsentAtConsultation(String queueId, String patientId, String roomId, int retryNumber,
                                          Long lineSequence) implements DomainEvent {
}
