package com.waitingroom.projection.config;

import com.waitingroom.projection.domain.WaitSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.time.Duration;

/** Settings of the projection worker; every value has an env var with a local default (application.properties). */
@ConfigMapping(prefix = "projection")
public interface ProjectionConfig {

    /** The only projection this worker maintains (all read models are updated in one transaction). */
    String PROJECTION_NAME = "waiting-rooms";

    Rabbit rabbitmq();

    String exchange();

    String queue();

    @WithName("dead-letter-exchange")
    String deadLetterExchange();

    /** Unacknowledged messages the broker may push ahead; must exceed batch-size to keep batches full. */
    int prefetch();

    /** Most events applied in one read-model transaction. */
    @WithName("batch-size")
    int batchSize();

    /** Attempts (one event per transaction) for an event whose projection fails before its queue is parked. */
    @WithName("max-attempts")
    int maxAttempts();

    /** Readiness turns DOWN while the observed end-to-end lag is above this. */
    @WithName("lag-threshold")
    Duration lagThreshold();

    /** How long lag samples (applied_events) are kept for /api/metrics/lag. */
    @WithName("lag-retention")
    Duration lagRetention();

    /** Parked events older than this are retried against the event store by a background sweep. */
    @WithName("parked-retry-after")
    Duration parkedRetryAfter();

    @WithName("history-limit-max")
    int historyLimitMax();

    /** Predicted waits in the line views (README "Predicted waits"). */
    @WithName("wait-estimate")
    WaitEstimate waitEstimate();

    interface WaitEstimate {
        /** Occupancies averaged per stage (the most recent N). */
        int samples();

        /** Fewer measured occupancies of a consultation type: all types' mean, then the prior. */
        @WithName("min-samples")
        int minSamples();

        /** Only occupancies that ended within this much before now count. */
        Duration lookback();

        /** At most this many of the queue's latest steps are read per view. */
        @WithName("steps-scanned")
        int stepsScanned();

        /** A busy station is free no sooner than this. */
        @WithName("remaining-floor")
        Duration remainingFloor();

        /** An idle desk whose last call is older than this counts as closed. */
        @WithName("desk-idle-closed")
        Duration deskIdleClosed();

        /** The rate of higher-priority patients entering a line (who will go ahead) is measured over this window. */
        @WithName("arrival-window")
        Duration arrivalWindow();

        @WithName("cashier-prior")
        Duration cashierPrior();

        @WithName("consultation-prior")
        Duration consultationPrior();

        default WaitSettings settings() {
            return new WaitSettings(samples(), minSamples(), lookback(), stepsScanned(), remainingFloor(),
                    deskIdleClosed(), arrivalWindow(), cashierPrior(), consultationPrior());
        }
    }

    /** The background checks that health endpoints read (they never wait on a dependency themselves). */
    Health health();

    /** The server-sent event streams of the queues' public views (waiting-room screens). */
    Stream stream();

    interface Stream {
        /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
        Duration heartbeat();

        /**
         * Events a subscriber may have unwritten (a client that does not read) before it is dropped; it
         * reconnects with Last-Event-ID and gets the current state. The projection never waits for it.
         */
        @WithName("max-pending")
        int maxPending();
    }

    interface Health {
        /** Pause between two checks of PostgreSQL. */
        @WithName("check-interval")
        Duration checkInterval();

        /** A check without an answer by then counts as DOWN. */
        @WithName("check-timeout")
        Duration checkTimeout();
    }

    interface Rabbit {
        String host();

        int port();

        String username();

        String password();
    }
}
