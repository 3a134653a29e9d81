package com.waitingroom.projection.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Migrations ran and the consumer was launched when this bean answers (both happen before HTTP opens). */
@Startup
@ApplicationScoped
public class ConsumerStarted implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("projection-worker-started");
    }
}
