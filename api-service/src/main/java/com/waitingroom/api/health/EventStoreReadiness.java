package com.waitingroom.api.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/** Ready when the event store answers through the same reactive pool the commands use, schema included. */
@Readiness
@ApplicationScoped
public class EventStoreReadiness implements AsyncHealthCheck {

    private final Pool pool;

    public EventStoreReadiness(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("SELECT 1 FROM events, outbox, snapshots, idempotency_keys LIMIT 0").execute()
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(rows -> HealthCheckResponse.up("event-store"))
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("event-store").down()
                        .withData("error", String.valueOf(e.getMessage())).build());
    }
}
