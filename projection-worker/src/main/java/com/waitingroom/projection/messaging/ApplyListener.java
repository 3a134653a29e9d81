package com.waitingroom.projection.messaging;

import com.waitingroom.projection.store.BatchOutcome;

import java.time.Instant;

/** Observes the consumer for metrics and readiness; an observer of commits only can be a lambda. */
@FunctionalInterface
public interface ApplyListener {

    void batchCommitted(BatchOutcome outcome, Instant committedAt);

    default void deadLettered(String reason) {
    }

    default void failed(String error) {
    }

    /** A projector failure parked this queue (its events wait in parked_events until it is resumed). */
    default void queueParked(String queueId, String error) {
    }
}
