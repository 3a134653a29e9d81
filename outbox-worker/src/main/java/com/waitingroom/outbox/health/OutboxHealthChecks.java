package com.waitingroom.outbox.health;

import com.waitingroom.outbox.messaging.OutboxRelay;
import com.waitingroom.outbox.store.OutboxAdminStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Readiness = PostgreSQL and RabbitMQ reachable (a broker outage takes the pod out of rotation);
 * liveness = the process and its relay threads only, so an outage never gets the pod killed.
 */
@ApplicationScoped
public class OutboxHealthChecks {

    @Produces
    @Readiness
    HealthCheck database(OutboxAdminStore store) {
        return () -> HealthCheckResponse.named("outbox-postgresql").status(store.databaseReachable()).build();
    }

    @Produces
    @Readiness
    HealthCheck broker(OutboxRelay relay) {
        return () -> HealthCheckResponse.named("outbox-rabbitmq").status(relay.connector().probe()).build();
    }

    @Produces
    @Liveness
    HealthCheck relayThreads(OutboxRelay relay) {
        return () -> HealthCheckResponse.named("outbox-relay-threads")
                .status(relay.engine().workersHealthy()).build();
    }

    @Produces
    @Startup
    HealthCheck relayStarted(OutboxRelay relay) {
        return () -> HealthCheckResponse.named("outbox-relay-started")
                .status(!relay.enabled() || relay.engine().isRunning()).build();
    }
}
