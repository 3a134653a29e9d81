package com.waitingroom.outbox.store;

import com.waitingroom.outbox.config.OutboxConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Periodic jobs: refresh the backlog gauges and delete dispatched rows past their retention. Created at
 * start-up so the gauges exist from the first scrape (a native executable is scraped before the first
 * scheduled run would have created a lazy bean).
 */
@Startup
@ApplicationScoped
public class OutboxMaintenance {

    private static final Logger LOG = Logger.getLogger(OutboxMaintenance.class);

    private final OutboxAdminStore store;
    private final OutboxConfig config;
    private final AtomicReference<OutboxAdminStore.Gauges> gauges =
            new AtomicReference<>(new OutboxAdminStore.Gauges(0, 0, 0));

    OutboxMaintenance(OutboxAdminStore store, OutboxConfig config, MeterRegistry registry) {
        this.store = store;
        this.config = config;
        Gauge.builder("outbox.pending", gauges, g -> g.get().pending())
                .description("Outbox rows waiting to be published (incl. backing off)").register(registry);
        Gauge.builder("outbox.dead", gauges, g -> g.get().dead())
                .description("Outbox rows that exhausted their attempts").register(registry);
        Gauge.builder("outbox.oldest.pending.age", gauges, g -> g.get().oldestPendingAgeSeconds())
                .baseUnit("seconds")
                .description("Age of the oldest pending outbox row").register(registry);
    }

    @Scheduled(every = "${outbox.gauge-refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshGauges() {
        try {
            gauges.set(store.gauges());
        } catch (SQLException e) {
            LOG.debugf("cannot refresh outbox gauges: %s", e.getMessage());
        }
    }

    @Scheduled(every = "${outbox.cleanup.interval}", delayed = "${outbox.cleanup.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void cleanUp() {
        try {
            long deleted = cleanUpNow();
            if (deleted > 0) {
                LOG.infof("outbox cleanup deleted %d dispatched rows older than %s", deleted,
                        config.cleanup().retention());
            }
        } catch (SQLException e) {
            LOG.warnf("outbox cleanup failed (will retry next run): %s", e.getMessage());
        }
    }

    public long cleanUpNow() throws SQLException {
        OutboxConfig.Cleanup cleanup = config.cleanup();
        return store.deleteDispatchedOlderThan(cleanup.retention(), cleanup.batchSize(), cleanup.maxBatchesPerRun());
    }
}
