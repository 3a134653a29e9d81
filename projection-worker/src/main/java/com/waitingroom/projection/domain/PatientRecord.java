package com.waitingroom.projection.domain;

import java.time.Instant;

/** Mutable row of projection.patients while a batch is applied. */
public final class PatientRecord {
    public final String queueId;
    public final String patientId;
    public String patientName;
    /** The short number public screens show; null for check-ins recorded before ticket numbers. */
    public String ticketNumber;
    public String priority;
    public int priorityLevel;
    public String requestedPriority;
    public String consultationType;
    public PatientState state;
    public Instant checkedInAt;
    public long checkInVersion;
    /** Place in its line (kernel LineOrder): drawn at check-in, payment validation and requeue. */
    public long lineSequence;
    /** This patient's visit to the queue, from 1; a re-check-in after a finished visit starts the next. */
    public int visit = 1;
    public String deskId;
    public String roomId;
    public Instant calledAt;
    public Instant consultationStartedAt;
    public Instant finishedAt;
    public String outcome;
    public String notes;
    public int paymentAttempts;
    public int absences;
    public boolean dirty;

    public PatientRecord(String queueId, String patientId) {
        this.queueId = queueId;
        this.patientId = patientId;
    }
}
