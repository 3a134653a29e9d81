package com.waitingroom.ingest.store;

/** The writer cannot take a request right now; the client should retry after {@code retryAfterSeconds}. */
public class IngestRejectedException extends RuntimeException {

    public enum Reason {
        QUEUE_FULL(429, "queue_full", "The ingest queue is full"),
        STORE_UNAVAILABLE(503, "store_unavailable", "PostgreSQL is unavailable"),
        SHUTTING_DOWN(503, "shutting_down", "The service is shutting down"),
        RATE_LIMITED(429, "rate_limited", "Too many events from this client");

        public final int status;
        public final String metricTag;
        public final String title;

        Reason(int status, String metricTag, String title) {
            this.status = status;
            this.metricTag = metricTag;
            this.title = title;
        }
    }

    private final Reason reason;
    private final long retryAfterSeconds;

    public IngestRejectedException(Reason reason, long retryAfterSeconds) {
        super(reason.title, null, false, false);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
