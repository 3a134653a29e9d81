package com.waitingroom.projection.domain;

import java.time.Instant;

/**
 * One row of projection.patient_steps; {@code visit} groups the steps of one visit of the patient.
 * {@code actor} and {@code actorRole} are the event's (who caused the step, and the role under which
 * the command was allowed); both null when the event does not carry them.
 */
public record TrajectoryStep(String queueId, long version, String patientId, int visit, String eventType,
                             Instant occurredAt, PatientState state, String roomId, String deskId, String detail,
                             String actor, String actorRole) {
}
