package com.waitingroom.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import com.waitingroom.ingest.store.EventWriter;
import com.waitingroom.support.health.BackgroundProbe;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.sqlclient.Pool;

/**
 * Ready only if PostgreSQL answered the last background check and the writer's circuit breaker is
 * closed. Answers from memory, so a probe never waits on the database.
 */
@Readiness
@ApplicationScoped
public class StoreReadinessCheck implements HealthCheck {

    private final EventWriter writer;
    private final BackgroundProbe database;

    public StoreReadinessCheck(Pool pool, EventWriter writer, HealthProbeConfig config) {
        this.writer = writer;
        // Through an explicitly acquired connection: pool.query() arms a connection-wait timer that
        // vertx-sql-client never cancels when acquiring fails (issue 1706), so a check every second
        // during an outage would log one "Result is already complete" stack trace per second.
        this.database = BackgroundProbe.async("postgresql",
                () -> pool.withConnection(connection -> connection.query("SELECT 1").execute()).toCompletionStage(),
                config.checkInterval(), config.checkTimeout());
    }

    void onStart(@Observes StartupEvent event) {
        database.start();
        database.awaitFirstVerdict();
    }

    void onStop(@Observes ShutdownEvent event) {
        database.close();
    }

    @Override
    public HealthCheckResponse call() {
        BackgroundProbe.Result result = database.last();
        boolean breakerOpen = writer.isStoreUnavailable();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(database.name()).status(result.up() && !breakerOpen)
                .withData("circuitBreaker", breakerOpen ? "open" : "closed")
                .withData("checkedAt", result.checkedAt().toString());
        if (result.error() != null) {
            response.withData("error", result.error());
        }
        return response.build();
    }
}
