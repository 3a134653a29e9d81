package com.waitingroom.projection.messaging;

import com.waitingroom.projection.store.LiveProjection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parked queues as health checks and Prometheus see them, cached so a probe or a scrape never
 * touches the database: projection_queue_parked{queue} = 1 per parked queue (removed once resumed)
 * and projection_parked_queues. Updated at once when this instance parks or resumes a queue, and
 * re-read from parked_queues every few seconds (another instance may have parked or resumed one).
 */
// Eager: projection_parked_queues must exist from boot for the alert rules and dashboards.
@Startup
@ApplicationScoped
public class ParkedQueueMonitor {

    private static final Logger LOG = Logger.getLogger(ParkedQueueMonitor.class);
    private static final Integer PARKED = 1;

    private final MeterRegistry registry;
    private final LiveProjection projection;
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();
    private volatile List<String> parked = List.of();

    @Inject
    public ParkedQueueMonitor(MeterRegistry registry, LiveProjection projection) {
        this.registry = registry;
        this.projection = projection;
        Gauge.builder("projection.parked.queues", gauges, Map::size)
                .description("Queues whose read model is parked after a projector failure").register(registry);
    }

    /** Parked queue ids, sorted; from memory. */
    public List<String> parkedQueues() {
        return parked;
    }

    /** A queue this instance just parked: visible before the next refresh. */
    public synchronized void queueParked(String queueId) {
        TreeSet<String> now = new TreeSet<>(parked);
        now.add(queueId);
        show(now);
    }

    /** Re-reads the marks and updates the cache and the gauges. */
    public synchronized void refresh() throws SQLException {
        show(new TreeSet<>(projection.parkedQueueIds()));
    }

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodicRefresh() {
        try {
            refresh();
        } catch (Exception e) {
            LOG.debugf("refreshing parked queues failed (kept the last known ones): %s", e.getMessage());
        }
    }

    private void show(TreeSet<String> now) {
        for (String queueId : now) {
            gauges.computeIfAbsent(queueId, id -> Gauge.builder("projection.queue.parked", PARKED, Integer::doubleValue)
                    .tag("queue", id).strongReference(true)
                    .description("1 while the queue's read model is parked after a projector failure")
                    .register(registry));
        }
        Collection<String> gone = new TreeSet<>(gauges.keySet());
        gone.removeAll(now);
        for (String queueId : gone) {
            registry.remove(gauges.remove(queueId));
        }
        parked = List.copyOf(now);
    }
}
