package com.waitingroom.kernel;

/** Names of the aggregate types stored in the event store. */
public final class AggregateTypes {
    public static final String WAITING_QUEUE = "WaitingQueue";

    private AggregateTypes() {
    }
}
