package com.waitingroom.ingest.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.waitingroom.ingest.domain.IngestEvent;

/** One request's events and the promise its HTTP response waits for (completed after their COMMIT). */
public final class PendingWrite {
    final List<IngestEvent> events;
    final CompletableFuture<Void> committed = new CompletableFuture<>();
    /** Set after a data error: flush this request alone so one bad request cannot block others. */
    volatile boolean isolate;
    /** Once sent to PostgreSQL the outcome may be unknown (lost COMMIT reply): it is retried, never given up. */
    volatile boolean attempted;

    PendingWrite(List<IngestEvent> events) {
        this.events = events;
    }

    public CompletableFuture<Void> committed() {
        return committed;
    }
}
