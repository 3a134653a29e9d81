package com.waitingroom.api.health;

import com.waitingroom.api.config.ApiConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * Ready when the event store answers through the same reactive pool the commands use, schema
 * included. The probe answers from the last check, which runs in the background every
 * {@code api.health.check-interval} and gives up after {@code api.health.check-timeout}: the
 * endpoint answers at once in every state, also while PostgreSQL is unreachable, and a change is
 * seen within one interval plus one timeout. Only changes are logged, never every failed check.
 */
@Readiness
@ApplicationScoped
public class EventStoreReadiness implements AsyncHealthCheck {

    static final String NAME = "event-store";
    private static final Logger LOG = Logger.getLogger(EventStoreReadiness.class);
    private static final String CHECK_SQL = "SELECT 1 FROM events, outbox, snapshots, idempotency_keys LIMIT 0";

    private final Pool pool;
    private final Duration timeout;
    private volatile HealthCheckResponse last = HealthCheckResponse.named(NAME).down()
            .withData("error", "not checked yet").build();

    public EventStoreReadiness(Pool pool, ApiConfig config) {
        this.pool = pool;
        this.timeout = config.health().checkTimeout();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().item(last);
    }

    /** The first check before the service reports started, so a ready instance is ready at once. */
    void checkAtStart(@Observes StartupEvent event) {
        refresh().await().atMost(timeout.plusSeconds(1));
    }

    @Scheduled(every = "${api.health.check-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return pool.query(CHECK_SQL).execute()
                .ifNoItem().after(timeout).fail()
                .map(rows -> HealthCheckResponse.named(NAME).up().withData("checkedAt", Instant.now().toString()).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down()
                        .withData("error", e.getMessage() != null ? e.getMessage() : e.toString())
                        .withData("checkedAt", Instant.now().toString()).build())
                .invoke(this::remember)
                .replaceWithVoid();
    }

    private void remember(HealthCheckResponse result) {
        HealthCheckResponse previous = last;
        last = result;
        if (previous.getStatus() != result.getStatus()) {
            if (result.getStatus() == HealthCheckResponse.Status.UP) {
                LOG.info("event store reachable: ready");
            } else {
                LOG.warnf("event store check failed: not ready (%s)", result.getData().map(d -> d.get("error")).orElse(""));
            }
        }
    }
}
