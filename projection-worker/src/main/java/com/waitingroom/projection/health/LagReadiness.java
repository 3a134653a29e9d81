package com.waitingroom.projection.health;

import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.messaging.ProjectionMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.time.Instant;

/**
 * DOWN while the end-to-end lag of the latest applied batch exceeds projection.lag-threshold.
 * The observation expires after one threshold period without new events, so an idle worker
 * whose last event was late recovers instead of staying DOWN forever.
 */
@Readiness
@ApplicationScoped
public class LagReadiness implements HealthCheck {

    @Inject
    ProjectionMetrics metrics;
    @Inject
    ProjectionConfig config;

    @Override
    public HealthCheckResponse call() {
        Duration threshold = config.lagThreshold();
        Duration lag = metrics.lastLag();
        Instant observedAt = metrics.lastLagObservedAt();
        boolean fresh = observedAt != null && observedAt.plus(threshold).isAfter(Instant.now());
        boolean lagging = fresh && lag.compareTo(threshold) > 0;
        return HealthCheckResponse.named("projection-lag").status(!lagging)
                .withData("lastLagMillis", lag.toMillis())
                .withData("thresholdMillis", threshold.toMillis())
                .build();
    }
}
