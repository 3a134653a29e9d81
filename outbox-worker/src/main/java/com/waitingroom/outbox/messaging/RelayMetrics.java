package com.waitingroom.outbox.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/** The relay's counters and histograms, named as CONVENTIONS.md requires. */
public final class RelayMetrics {

    private final Counter dispatched;
    private final Counter publishFailures;
    private final Counter dead;
    private final Timer publishLatency;
    private final Timer commitToPublishLag;

    public RelayMetrics(MeterRegistry registry) {
        dispatched = Counter.builder("outbox.dispatched")
                .description("Outbox rows confirmed by the broker and moved to the dispatched log").register(registry);
        publishFailures = Counter.builder("outbox.publish.failures")
                .description("Publishes that cost a row an attempt (nack, return, confirm timeout)").register(registry);
        // CONVENTIONS.md asks for a counter outbox_dead_total next to the gauge outbox_dead, but the
        // Prometheus client cannot expose both (the counter's family name is outbox_dead):
        // the gauge keeps its name (alerts use it), the counter is outbox_dead_transitions_total.
        dead = Counter.builder("outbox.dead.transitions")
                .description("Rows that exhausted their attempts and became dead").register(registry);
        publishLatency = Timer.builder("outbox.publish.latency")
                .description("From publishing a message to its broker confirm")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        commitToPublishLag = Timer.builder("outbox.commit.to.publish.lag")
                .description("From the writing transaction (row created_at) to the broker confirm")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    void dispatched(int count) {
        dispatched.increment(count);
    }

    void publishFailure() {
        publishFailures.increment();
    }

    void dead() {
        dead.increment();
    }

    void publishLatency(Duration latency) {
        publishLatency.record(latency);
    }

    void commitToPublishLag(Duration lag) {
        commitToPublishLag.record(lag.isNegative() ? Duration.ZERO : lag);
    }
}
