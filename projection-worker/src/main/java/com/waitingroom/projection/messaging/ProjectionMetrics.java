package com.waitingroom.projection.messaging;

import com.waitingroom.projection.store.BatchOutcome;
import com.waitingroom.projection.store.IncomingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prometheus metrics named as in CONVENTIONS.md, plus the in-memory state readiness and
 * GET /api/projections report (last lag, last error).
 */
// Eager: every series must exist from boot (alert rules and dashboards read them before the
// first event is applied or dead-lettered).
@Startup
@ApplicationScoped
public class ProjectionMetrics implements ApplyListener {

    private final Counter applied;
    private final Counter deadLetters;
    private final Timer outboxToPublish;
    private final Timer publishToApply;
    private final Timer total;
    private final AtomicLong lastAppliedEpochMillis = new AtomicLong();
    private final AtomicLong lastLagMillis = new AtomicLong();
    private final AtomicLong lastLagObservedAt = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicReference<Instant> lastErrorAt = new AtomicReference<>();
    private final ParkedQueueMonitor parkedQueues;

    @Inject
    public ProjectionMetrics(MeterRegistry registry, ParkedQueueMonitor parkedQueues) {
        this.parkedQueues = parkedQueues;
        applied = Counter.builder("projection.events.applied").description("Events applied to the read models")
                .register(registry);
        deadLetters = Counter.builder("projection.dead.letters").description("Messages sent to the dead-letter queue")
                .register(registry);
        outboxToPublish = lagTimer(registry, "outbox_to_publish");
        publishToApply = lagTimer(registry, "publish_to_apply");
        total = lagTimer(registry, "total");
        Gauge.builder("projection.last.applied.timestamp.seconds", lastAppliedEpochMillis, v -> v.get() / 1000.0)
                .description("Epoch seconds of the last read-model commit that applied events").register(registry);
    }

    private static Timer lagTimer(MeterRegistry registry, String stage) {
        return Timer.builder("projection.lag").tag("stage", stage)
                .description("Lag of applied events: occurred-at -> published-at -> applied")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    @Override
    public void batchCommitted(BatchOutcome outcome, Instant committedAt) {
        if (outcome.applied().isEmpty()) {
            return;
        }
        long now = committedAt.toEpochMilli();
        long maxLag = 0;
        for (IncomingEvent event : outcome.applied()) {
            long occurred = event.occurredAt().toEpochMilli();
            long lag = Math.max(0, now - occurred);
            total.record(lag, TimeUnit.MILLISECONDS);
            maxLag = Math.max(maxLag, lag);
            if (event.publishedAt() != null) {
                long published = event.publishedAt().toEpochMilli();
                outboxToPublish.record(Math.max(0, published - occurred), TimeUnit.MILLISECONDS);
                publishToApply.record(Math.max(0, now - published), TimeUnit.MILLISECONDS);
            }
        }
        applied.increment(outcome.applied().size());
        lastAppliedEpochMillis.set(now);
        lastLagMillis.set(maxLag);
        lastLagObservedAt.set(now);
    }

    @Override
    public void deadLettered(String reason) {
        deadLetters.increment();
        lastError.set("dead-lettered: " + reason);
        lastErrorAt.set(Instant.now());
    }

    @Override
    public void queueParked(String queueId, String error) {
        parkedQueues.queueParked(queueId);
        failed("queue " + queueId + " parked: " + error);
    }

    /**
     * Parked events applied by resuming a queue: counted as applied, but their lag (as old as the
     * parking) is not an observation of the live pipeline, so it neither feeds the histogram nor
     * readiness.
     */
    public void caughtUp(BatchOutcome outcome) {
        if (!outcome.applied().isEmpty()) {
            applied.increment(outcome.applied().size());
            lastAppliedEpochMillis.set(System.currentTimeMillis());
        }
    }

    @Override
    public void failed(String error) {
        lastError.set(error);
        lastErrorAt.set(Instant.now());
    }

    /** The largest end-to-end lag of the most recent applied batch, and when it was observed. */
    public Duration lastLag() {
        return Duration.ofMillis(lastLagMillis.get());
    }

    public Instant lastLagObservedAt() {
        long at = lastLagObservedAt.get();
        return at == 0 ? null : Instant.ofEpochMilli(at);
    }

    public Instant lastAppliedAt() {
        long at = lastAppliedEpochMillis.get();
        return at == 0 ? null : Instant.ofEpochMilli(at);
    }

    public String lastError() {
        return lastError.get();
    }

    public Instant lastErrorAt() {
        return lastErrorAt.get();
    }

    public double appliedCount() {
        return applied.count();
    }

    public double deadLetterCount() {
        return deadLetters.count();
    }
}
