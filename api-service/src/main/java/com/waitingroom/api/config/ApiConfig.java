package com.waitingroom.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Tunables of the command side; every one can be set by env var (see application.properties). */
@ConfigMapping(prefix = "api")
public interface ApiConfig {

    Snapshot snapshot();

    Idempotency idempotency();

    Commands commands();

    Cache cache();

    Append append();

    Store store();

    Health health();

    Shutdown shutdown();

    interface Snapshot {
        /** A snapshot is written each time a queue's version crosses a multiple of this. */
        @WithDefault("100")
        int everyEvents();
    }

    interface Idempotency {
        /** How long a stored response is kept for replay (at least; cleanup runs periodically). */
        @WithDefault("PT24H")
        Duration ttl();

        /** Rows deleted per cleanup statement, so the cleanup never holds long locks. */
        @WithDefault("1000")
        int cleanupBatchSize();

        /** Period of the cleanup job (read by its @Scheduled expression). */
        @WithDefault("5m")
        String cleanupInterval();
    }

    interface Append {
        /** Commands grouped into one append statement (one commit) at most. */
        @WithDefault("64")
        int maxCommandsPerStatement();

        /**
         * Append statements running at once; commands arriving meanwhile wait and are grouped.
         * One by default: fewer, larger commits cost PostgreSQL and the JVM less per command, at
         * every rate (see the README's benchmark).
         */
        @WithDefault("1")
        int maxStatementsInFlight();
    }

    interface Cache {
        /** Queues whose last committed state is kept in memory (0 disables the cache). */
        @WithDefault("10000")
        int maxQueues();
    }

    interface Commands {
        /** Attempts of a command without expected version when concurrent writers clash. */
        @WithDefault("25")
        int maxAttempts();
    }

    interface Store {
        /** TCP connect timeout to PostgreSQL (Vert.x waits 60 s by default for a server that does not answer). */
        @WithDefault("PT2S")
        Duration connectTimeout();
    }

    interface Health {
        /** Period of the background event-store check whose last result readiness reports (@Scheduled expression). */
        @WithDefault("1s")
        String checkInterval();

        /** A check without an answer after this long counts as failed. */
        @WithDefault("PT0.5S")
        Duration checkTimeout();
    }

    /**
     * SIGTERM (api.ShutdownGate). Drain timeout + linger + {@code quarkus.shutdown.timeout} is the
     * worst case declared to Kubernetes (deploy/k8s, annotation waiting-room.io/shutdown-seconds).
     */
    interface Shutdown {
        /** How long requests taken before SIGTERM get to be answered while new ones are refused. */
        @WithDefault("PT10S")
        Duration drainTimeout();

        /**
         * Then new requests still get 503 SHUTTING_DOWN for this long before the listener closes, so a client
         * answered a moment ago backs off (Retry-After = this rounded up + 1 s) instead of meeting the closing socket.
         */
        @WithDefault("PT1S")
        Duration linger();
    }
}
