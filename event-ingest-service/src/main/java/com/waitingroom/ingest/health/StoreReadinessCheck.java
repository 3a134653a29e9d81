package com.waitingroom.ingest.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import com.waitingroom.ingest.store.EventWriter;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.Pool;

/** Ready only if PostgreSQL answers now and the writer's circuit breaker is closed. */
@Readiness
@ApplicationScoped
public class StoreReadinessCheck implements AsyncHealthCheck {

    private final Pool pool;
    private final EventWriter writer;

    public StoreReadinessCheck(Pool pool, EventWriter writer) {
        this.pool = pool;
        this.writer = writer;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(() -> pool.query("SELECT 1").execute().toCompletionStage())
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(rows -> HealthCheckResponse.named("postgresql").status(!writer.isStoreUnavailable())
                        .withData("circuitBreaker", writer.isStoreUnavailable() ? "open" : "closed").build())
                .onFailure().recoverWithItem(error -> HealthCheckResponse.named("postgresql").down()
                        .withData("error", String.valueOf(error.getMessage())).build());
    }
}
