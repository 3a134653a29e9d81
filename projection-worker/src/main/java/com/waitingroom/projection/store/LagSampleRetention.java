package com.waitingroom.projection.store;

import com.waitingroom.projection.config.ProjectionConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;

/** Keeps applied_events (the lag window) bounded. */
@ApplicationScoped
public class LagSampleRetention {

    private static final Logger LOG = Logger.getLogger(LagSampleRetention.class);

    @Inject
    ProjectionStatusQueries queries;
    @Inject
    ProjectionConfig config;

    @Scheduled(every = "60s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        try {
            queries.purgeSamplesBefore(Instant.now().minus(config.lagRetention()));
        } catch (Exception e) {
            LOG.warnf("purging lag samples failed: %s", e.getMessage());
        }
    }
}
