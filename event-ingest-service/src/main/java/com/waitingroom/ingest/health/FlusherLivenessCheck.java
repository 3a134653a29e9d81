package com.waitingroom.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Startup;

import com.waitingroom.ingest.store.EventWriter;

/** Without its flusher thread the service would accept events and never commit them: restart it. */
@Liveness
@Startup
@ApplicationScoped
public class FlusherLivenessCheck implements HealthCheck {

    private final EventWriter writer;

    public FlusherLivenessCheck(EventWriter writer) {
        this.writer = writer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ingest-flusher").status(writer.isFlusherAlive()).build();
    }
}
