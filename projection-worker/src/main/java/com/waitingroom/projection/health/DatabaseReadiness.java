package com.waitingroom.projection.health;

import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.store.DatabasePing;
import com.waitingroom.support.health.BackgroundProbe;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while PostgreSQL answered the last background check (every projection.health.check-interval,
 * DOWN after projection.health.check-timeout without an answer). Answers from memory: a probe never
 * waits on the database. (Quarkus' own datasource check is disabled: it waits on the pool.)
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    static final String NAME = "projection-postgresql";

    private final DatabasePing ping;
    private final BackgroundProbe probe;

    @Inject
    public DatabaseReadiness(DatabasePing ping, ProjectionConfig config) {
        this.ping = ping;
        ProjectionConfig.Health health = config.health();
        this.probe = BackgroundProbe.blocking(NAME, () -> ping.answers(health.checkTimeout()), health.checkInterval(),
                health.checkTimeout());
    }

    void onStart(@Observes StartupEvent event) {
        probe.start();
        probe.awaitFirstVerdict();
    }

    void onStop(@Observes ShutdownEvent event) {
        probe.close();
        ping.close();
    }

    @Override
    public HealthCheckResponse call() {
        BackgroundProbe.Result result = probe.last();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(result.up())
                .withData("checkedAt", result.checkedAt().toString());
        if (result.error() != null) {
            response.withData("error", result.error());
        }
        return response.build();
    }
}
