package com.waitingroom.projection.messaging;

import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.store.EventApplyException;
import com.waitingroom.projection.store.Failures;
import com.waitingroom.projection.store.LiveProjection;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Starts the queue consumer with the application (after resuming the parked queues: a fix may have
 * been deployed) and drains it on shutdown; runs the sweep for parked events whose gap never closes.
 */
@ApplicationScoped
public class ConsumerLifecycle {

    private static final Logger LOG = Logger.getLogger(ConsumerLifecycle.class);

    @Inject
    ProjectionConfig config;
    @Inject
    LiveProjection projection;
    @Inject
    ProjectionMetrics metrics;
    @Inject
    ParkedQueueResumer resumer;
    @Inject
    Tracer tracer;

    private volatile ProjectionConsumer consumer;

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** What a restart of the worker does to the consuming side (also used by tests). */
    public synchronized void restart() {
        stop();
        start();
    }

    private synchronized void start() {
        try {
            resumer.resumeAll();
        } catch (Exception e) {
            // Not fatal: the queues stay parked (listed, alerted) and can be resumed by the admin call.
            LOG.warnf("resuming parked queues at start failed: %s", Failures.describe(e));
            metrics.failed(Failures.describe(e));
        }
        consumer = new ProjectionConsumer(settings(config), projection::apply, projection::park, metrics, tracer);
        consumer.start();
    }

    private synchronized void stop() {
        ProjectionConsumer current = consumer;
        consumer = null;
        if (current != null) {
            current.close();
        }
    }

    public static ProjectionConsumer.Settings settings(ProjectionConfig config) {
        return new ProjectionConsumer.Settings(config.rabbitmq().host(), config.rabbitmq().port(),
                config.rabbitmq().username(), config.rabbitmq().password(), config.exchange(), config.queue(),
                config.deadLetterExchange(), config.prefetch(), config.batchSize(), config.maxAttempts());
    }

    public boolean isConsuming() {
        ProjectionConsumer current = consumer;
        return current != null && current.isConsuming();
    }

    /** Safety net for parked events whose missing predecessor never arrives by message. */
    @Scheduled(every = "${projection.parked-retry-after}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryParked() {
        try {
            LiveProjection.SweepOutcome outcome = projection.retryParked(config.parkedRetryAfter());
            metrics.batchCommitted(outcome.applied(), Instant.now());
            outcome.failures().forEach(this::parkAfterSweep);
        } catch (Exception e) {
            LOG.warnf("retrying parked events failed: %s", Failures.describe(e));
            metrics.failed(Failures.describe(e));
        }
    }

    /** A parked event whose gap closed turned out to fail: its queue is parked like on delivery. */
    private void parkAfterSweep(EventApplyException failure) {
        if (Failures.isTransient(failure)) {
            metrics.failed(Failures.describe(failure));
            return;
        }
        try {
            projection.park(failure, 1, null);
            LOG.errorf("parked queue %s: %s", failure.event().aggregateId(), failure.getMessage());
            metrics.queueParked(failure.event().aggregateId(), failure.getMessage());
        } catch (Exception e) {
            LOG.warnf("parking queue %s failed: %s", failure.event().aggregateId(), Failures.describe(e));
            metrics.failed(Failures.describe(e));
        }
    }
}
