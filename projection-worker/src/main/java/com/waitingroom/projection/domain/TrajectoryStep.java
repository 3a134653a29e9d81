package com.waitingroom.projection.domain;

import java.time.Instant;

/** One row of projection.patient_steps. */
public record TrajectoryStep(String queueId, long version, String patientId, String eventType, Instant occurredAt,
                             PatientState state, String roomId, String deskId, String detail) {
}
