package com.waitingroom.api.health;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Startup;

/** Started once Quarkus finished booting (migrations included); alive while the process answers. */
@ApplicationScoped
public class StartedCheck {

    private volatile boolean started;

    void onStart(@Observes StartupEvent event) {
        started = true;
    }

    @Startup
    HealthCheck started() {
        return () -> HealthCheckResponse.named("api-service-started").status(started).build();
    }

    @Liveness
    HealthCheck alive() {
        return () -> HealthCheckResponse.up("api-service-alive");
    }
}
