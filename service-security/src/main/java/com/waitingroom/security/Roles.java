package com.waitingroom.security;

/**
 * The suite's roles, as they appear in a token's roles claim (AUTH_ROLES_CLAIM, {@code groups} by
 * default). {@link #ADMIN} is listed on every operation; the others each own one part of the work.
 */
public final class Roles {

    /** Creates queues, checks patients in, records a patient leaving. */
    public static final String RECEPTIONIST = "receptionist";
    /** Cashier calls, payment outcomes, cashier absences. */
    public static final String CASHIER = "cashier";
    /** Consulting rooms, claim/call/consult/complete, consultation absences. */
    public static final String DOCTOR = "doctor";
    /** Reads read models, monitors and displays. */
    public static final String VIEWER = "viewer";
    /** Everything, plus outbox administration and projection rebuilds. */
    public static final String ADMIN = "admin";
    /** Sends log events to event-ingest-service. */
    public static final String LOG_WRITER = "log-writer";
    /** Searches and summarises ingested log events. */
    public static final String LOG_READER = "log-reader";

    private Roles() {
    }
}
