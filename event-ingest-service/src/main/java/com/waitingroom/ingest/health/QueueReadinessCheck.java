package com.waitingroom.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.store.EventWriter;

/** Not ready while the commit queue is nearly full, so a load balancer sends traffic elsewhere. */
@Readiness
@ApplicationScoped
public class QueueReadinessCheck implements HealthCheck {

    private final EventWriter writer;
    private final IngestConfig config;

    public QueueReadinessCheck(EventWriter writer, IngestConfig config) {
        this.writer = writer;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ingest-queue").status(!writer.isSaturated())
                .withData("depth", writer.queueDepth())
                .withData("capacity", config.writer().queueCapacity()).build();
    }
}
