package com.waitingroom.api.store;

import com.waitingroom.api.config.ApiConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Periodically deletes expired idempotency keys, batch after batch until none is left. */
@ApplicationScoped
public class IdempotencyCleanup {

    private static final Logger LOG = Logger.getLogger(IdempotencyCleanup.class);

    private final IdempotencyStore store;
    private final int batchSize;

    public IdempotencyCleanup(IdempotencyStore store, ApiConfig config) {
        this.store = store;
        this.batchSize = config.idempotency().cleanupBatchSize();
    }

    @Scheduled(every = "${api.idempotency.cleanup-interval:5m}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledCleanup() {
        return deleteAllExpired()
                .onFailure().invoke(e -> LOG.warnf("idempotency key cleanup failed (retried next run): %s", e.toString()))
                .onFailure().recoverWithItem(0)
                .replaceWithVoid();
    }

    /** Deletes every expired key; returns the total deleted. */
    public Uni<Integer> deleteAllExpired() {
        return deleteFrom(0);
    }

    private Uni<Integer> deleteFrom(int deletedSoFar) {
        return store.deleteExpired(batchSize).chain(deleted -> deleted < batchSize
                ? Uni.createFrom().item(deletedSoFar + deleted)
                : deleteFrom(deletedSoFar + deleted));
    }
}
