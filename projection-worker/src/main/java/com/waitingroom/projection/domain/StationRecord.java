package com.waitingroom.projection.domain;

import java.time.Instant;

/** Mutable row of projection.rooms or projection.cashier_desks (both are "stations" calling patients). */
public final class StationRecord {
    public static final String IDLE = "Idle";
    public static final String INACTIVE = "Inactive";
    public static final String CALLING = "Calling";
    public static final String CLAIMED = "Claimed";
    public static final String IN_CONSULTATION = "InConsultation";

    public final String queueId;
    public final String stationId;
    public boolean active = true;
    public String state = IDLE;
    public String patientId;
    public Instant calledAt;
    public boolean dirty;

    public StationRecord(String queueId, String stationId) {
        this.queueId = queueId;
        this.stationId = stationId;
    }

    void release(String patient) {
        if (patient != null && patient.equals(patientId)) {
            patientId = null;
            calledAt = null;
            state = active ? IDLE : INACTIVE;
            dirty = true;
        }
    }
}
