package com.waitingroom.outbox.health;

import com.waitingroom.outbox.messaging.OutboxRelay;
import com.waitingroom.outbox.store.OutboxAdminStore;
import com.waitingroom.support.health.BackgroundProbe;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Readiness = PostgreSQL and RabbitMQ reachable (a broker outage takes the pod out of rotation);
 * liveness = the process and its relay threads only, so an outage never gets the pod killed.
 * Every check answers from memory: the dependencies are checked by {@link BackgroundProbe}s.
 */
@ApplicationScoped
public class OutboxHealthChecks {

    private final BackgroundProbe database;
    private final BackgroundProbe broker;

    OutboxHealthChecks(OutboxAdminStore store, OutboxRelay relay, HealthProbeConfig config) {
        int validSeconds = (int) Math.max(1, config.checkTimeout().toSeconds());
        this.database = BackgroundProbe.blocking("outbox-postgresql", () -> store.databaseAnswers(validSeconds),
                config.checkInterval(), config.checkTimeout());
        this.broker = BackgroundProbe.blocking("outbox-rabbitmq", () -> relay.connector().probe(),
                config.checkInterval(), config.checkTimeout());
    }

    void onStart(@Observes StartupEvent event) {
        database.start();
        broker.start();
        database.awaitFirstVerdict();
        broker.awaitFirstVerdict();
    }

    /** Before the relay's own ShutdownEvent observer: a broker check must not reopen a connection it closed. */
    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent event) {
        database.close();
        broker.close();
    }

    @Produces
    @Readiness
    HealthCheck databaseReadiness() {
        return () -> fromCache(database);
    }

    @Produces
    @Readiness
    HealthCheck brokerReadiness() {
        return () -> fromCache(broker);
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

    private static HealthCheckResponse fromCache(BackgroundProbe probe) {
        BackgroundProbe.Result result = probe.last();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(probe.name()).status(result.up())
                .withData("checkedAt", result.checkedAt().toString());
        if (result.error() != null) {
            response.withData("error", result.error());
        }
        return response.build();
    }
}
