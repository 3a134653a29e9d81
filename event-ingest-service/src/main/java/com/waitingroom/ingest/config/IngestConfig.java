package com.waitingroom.ingest.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Tunables of the ingest path; every value can be overridden by an env var (see application.properties). */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    Limits limits();

    Writer writer();

    Query query();

    Partitions partitions();

    RateLimit rateLimit();

    Shutdown shutdown();

    interface Limits {
        /** Request bodies above this many bytes get 413. */
        @WithDefault("8388608")
        int maxBodyBytes();

        /** Events per request (JSON array or NDJSON lines); more gets 413. */
        @WithDefault("1000")
        int maxBatchItems();

        /**
         * Log records per OTLP export or Loki push (collectors batch up to 8192 by default); more gets 413.
         */
        @WithDefault("10000")
        int maxProtocolRecords();

        /** How far in the future a timestamp may be (clock skew of producers). */
        @WithDefault("PT24H")
        Duration maxFutureSkew();
    }

    interface Writer {
        /** Events held in memory waiting for a commit; beyond this new requests get 429. */
        @WithDefault("200000")
        int queueCapacity();

        /** Readiness reports DOWN once the queue is this full (0..1). */
        @WithDefault("0.9")
        double saturationRatio();

        /** Rows per INSERT/COMMIT at most. */
        @WithDefault("10000")
        int maxBatchRows();

        /** Time a flush waits for more rows before committing a partial batch. */
        @WithDefault("PT0.002S")
        Duration linger();

        /** Concurrent flushes (each uses one connection, so that commits overlap). */
        @WithDefault("4")
        int concurrentFlushes();

        /** A request whose events are not committed by then gets 503 (the events stay queued). */
        @WithDefault("PT20S")
        Duration ackTimeout();

        /** First pause after a failed flush; doubles up to breakerMaxOpen. */
        @WithDefault("PT0.5S")
        Duration breakerInitialOpen();

        @WithDefault("PT5S")
        Duration breakerMaxOpen();

        /** How long shutdown waits for queued events to be committed. */
        @WithDefault("PT25S")
        Duration drainTimeout();
    }

    interface Query {
        @WithDefault("100")
        int defaultLimit();

        @WithDefault("1000")
        int maxLimit();

        /** Window used when `from` is missing. */
        @WithDefault("PT24H")
        Duration defaultRange();

        /** Largest allowed `to - from`. */
        @WithDefault("P31D")
        Duration maxRange();
    }

    interface Partitions {
        /** Days of events kept; older daily partitions are dropped and older timestamps rejected. */
        @WithDefault("30")
        int retentionDays();

        /** Daily partitions created ahead of today. */
        @WithDefault("7")
        int createAheadDays();

        /** How often the maintenance runs (Quarkus scheduler syntax, e.g. 1h, 30m). */
        @WithDefault("1h")
        String every();

        /** Whether the maintenance runs at start-up and on the schedule. */
        @WithDefault("true")
        boolean maintenanceEnabled();
    }

    interface RateLimit {
        /** Events per second per client address; 0 disables this limit. */
        @WithDefault("0")
        int eventsPerSecond();

        /** Bucket size (burst) of the per-address limit; defaults to one second of events when 0. */
        @WithDefault("0")
        int burst();

        /**
         * Events per second per client identity (the token's {@code sub}), whatever address it sends
         * from; 0 disables this limit. Applies besides the per-address one.
         */
        @WithDefault("0")
        int eventsPerSecondPerSubject();

        /** Bucket size (burst) of the per-subject limit; defaults to one second of events when 0. */
        @WithDefault("0")
        int burstPerSubject();
    }

    interface Shutdown {
        /**
         * After SIGTERM, once every accepted request is answered, new requests still get 503 + Retry-After
         * (2 s) for this long before the listener closes: a client answered a moment ago then learns to back
         * off instead of sending its next request into a closing socket. Keep it below the Retry-After.
         */
        @WithDefault("PT1S")
        Duration linger();
    }
}
