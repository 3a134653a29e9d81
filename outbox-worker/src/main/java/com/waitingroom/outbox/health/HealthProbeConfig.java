package com.waitingroom.outbox.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How often readiness re-checks PostgreSQL and RabbitMQ in the background, and how long one check may take. */
@ConfigMapping(prefix = "outbox.health")
public interface HealthProbeConfig {

    /** Pause between two checks of one dependency. */
    @WithDefault("1s")
    Duration checkInterval();

    /** A check without an answer by then counts as DOWN (probes keep answering from memory meanwhile). */
    @WithDefault("1s")
    Duration checkTimeout();
}
