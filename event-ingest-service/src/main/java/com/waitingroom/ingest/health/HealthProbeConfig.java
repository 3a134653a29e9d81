package com.waitingroom.ingest.health;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How often readiness re-checks PostgreSQL in the background, and how long one check may take. */
@ConfigMapping(prefix = "ingest.health")
public interface HealthProbeConfig {

    /** Pause between two checks. */
    @WithDefault("PT1S")
    Duration checkInterval();

    /** A check without an answer by then counts as DOWN (probes keep answering from memory meanwhile). */
    @WithDefault("PT1S")
    Duration checkTimeout();
}
