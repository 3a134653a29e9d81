package com.waitingroom.ingest.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The group commit's meters (names in CONVENTIONS.md "Metrics names"). */
final class WriterMetrics {

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Counter persisted;
    private final DistributionSummary batchSize;
    private final Timer flushLatency;

    /** @param queuedEvents held by the writer: a gauge keeps only a weak reference to its state object */
    WriterMetrics(MeterRegistry registry, int maxBatchRows, AtomicInteger queuedEvents) {
        this.registry = registry;
        this.accepted = Counter.builder("ingest.events.accepted")
                .description("Events taken into the commit queue").register(registry);
        this.persisted = Counter.builder("ingest.events.persisted")
                .description("Events newly committed to PostgreSQL (idempotent repeats excluded)").register(registry);
        Gauge.builder("ingest.queue.depth", queuedEvents, AtomicInteger::get)
                .description("Events waiting for their commit").register(registry);
        this.batchSize = DistributionSummary.builder("ingest.batch.size")
                .description("Events per group-commit flush").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue((double) maxBatchRows)
                .register(registry);
        this.flushLatency = Timer.builder("ingest.flush.latency")
                .description("Duration of one group-commit INSERT including COMMIT").publishPercentileHistogram()
                .register(registry);
    }

    void accepted(int events) {
        accepted.increment(events);
    }

    void committed(int batchRows, long inserted, long nanos) {
        flushLatency.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(batchRows);
        persisted.increment(inserted);
    }

    void rejected(String reason, int events) {
        Counter.builder("ingest.events.rejected").tag("reason", reason)
                .description("Events refused (not stored), by reason").register(registry).increment(events);
    }
}
