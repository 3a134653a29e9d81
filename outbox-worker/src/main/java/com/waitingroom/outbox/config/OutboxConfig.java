package com.waitingroom.outbox.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Relay settings; every value has an env-var backed default in application.properties. */
@ConfigMapping(prefix = "outbox")
public interface OutboxConfig {

    /** Start the relay at boot (false only for tooling that needs the HTTP side alone). */
    @WithDefault("true")
    boolean relayEnabled();

    /** Durable topic exchange the events are published to. */
    String exchange();

    /** Rows claimed and published per transaction. */
    @WithDefault("4000")
    int batchSize();

    /**
     * Batches a worker keeps in flight: while full batches (a backlog) await their confirms it claims
     * and sends the next one, each in its own transaction; 1 = one batch at a time.
     */
    @WithDefault("2")
    int pipelineDepth();

    /**
     * Relay worker threads per process (each with its own channel and DB transactions). One pipelined
     * worker relayed faster than two (bench/RESULTS.md): two workers' claims lock rows the other's
     * in-flight batches block.
     */
    @WithDefault("1")
    int workers();

    /** Safety poll: how long a worker sleeps without a NOTIFY before looking again. */
    @WithDefault("5s")
    Duration safetyPollInterval();

    /**
     * After a claim that found work, workers keep polling for this long before they wait for a
     * NOTIFY: at a steady rate the relay never sleeps, so writers never notify.
     */
    @WithDefault("100ms")
    Duration linger();

    /** Poll interval while lingering (bounds the commit-to-publish latency of a busy relay). */
    @WithDefault("2ms")
    Duration lingerPollInterval();

    /** How long the broker may confirm nothing on a worker's channel before a batch's unconfirmed rows fail. */
    @WithDefault("5s")
    Duration confirmTimeout();

    /** Publish with the mandatory flag: an unroutable message counts as a failure. */
    @WithDefault("false")
    boolean mandatory();

    /** Failed publishes of one row before it becomes dead. */
    @WithDefault("10")
    int maxAttempts();

    Backoff backoff();

    /** Back-off while the broker or the database is unreachable (no attempts are burned). */
    OutageBackoff outageBackoff();

    Cleanup cleanup();

    Rabbitmq rabbitmq();

    /** How often the pending/dead/oldest gauges are refreshed from the database. */
    @WithDefault("5s")
    Duration gaugeRefreshInterval();

    interface Backoff {
        @WithDefault("1s")
        Duration base();

        @WithDefault("5m")
        Duration cap();
    }

    interface OutageBackoff {
        @WithDefault("200ms")
        Duration base();

        @WithDefault("10s")
        Duration cap();
    }

    interface Cleanup {
        /** Dispatched rows older than this are deleted. */
        @WithDefault("24h")
        Duration retention();

        @WithDefault("1000")
        int batchSize();

        /** How often cleanup runs. */
        @WithDefault("1m")
        String interval();

        /** Upper bound of batches per run so one run never holds the database for long. */
        @WithDefault("100")
        int maxBatchesPerRun();
    }

    interface Rabbitmq {
        String host();

        int port();

        String username();

        String password();

        @WithDefault("/")
        String virtualHost();
    }
}
