package com.waitingroom.projection.domain;

import java.time.Instant;

/** One row of projection.patient_steps; {@code visit} groups the steps of one visit of the patient. */
public record TrajectoryStep(String queueId, long version, String patientId, int visit, String eventType,
                             Instant occurredAt, PatientState state, String roomId, String deskId, String detail) {
}
