package com.waitingroom.projection.messaging;

import com.waitingroom.projection.store.BatchOutcome;

import java.time.Instant;

/** Observes the consumer for metrics and readiness. */
public interface ApplyListener {

    void batchCommitted(BatchOutcome outcome, Instant committedAt);

    void deadLettered(String reason);

    void failed(String error);
}
