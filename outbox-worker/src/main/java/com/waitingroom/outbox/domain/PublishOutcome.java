package com.waitingroom.outbox.domain;

/** What the broker said about one message of a batch. */
public record PublishOutcome(Status status, String detail) {

    public enum Status {
        /** Confirmed (basic.ack): the broker took responsibility for the message. */
        CONFIRMED,
        /** The broker refused it (basic.nack) or returned it as unroutable: a row failure. */
        REFUSED,
        /** No confirm within the timeout while the connection stayed up: a row failure. */
        TIMED_OUT,
        /** The connection died before the confirm: an outage, not the row's fault. */
        CONNECTION_LOST
    }

    public static final PublishOutcome CONFIRMED = new PublishOutcome(Status.CONFIRMED, null);

    public boolean confirmed() {
        return status == Status.CONFIRMED;
    }

    /** Whether this outcome costs the row an attempt. */
    public boolean countsAsFailure() {
        return status == Status.REFUSED || status == Status.TIMED_OUT;
    }
}
