package com.waitingroom.projection.health;

import com.waitingroom.projection.messaging.ParkedQueueMonitor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.List;

/**
 * Always UP (a parked queue must not take the worker out of service: every other queue is fine),
 * but says DEGRADED and lists the parked queues. From the monitor's cache: no database call.
 * Health data can only hold strings, numbers and booleans, so the list travels as JSON text that
 * {@link ParkedQueuesAsJsonArray} turns into a real array in the response.
 */
@Readiness
@ApplicationScoped
public class ParkedQueuesHealth implements HealthCheck {

    static final String NAME = "projection-parked-queues";
    static final String LIST = "parkedQueues";

    @Inject
    ParkedQueueMonitor monitor;

    @Override
    public HealthCheckResponse call() {
        List<String> parked = monitor.parkedQueues();
        JsonArrayBuilder list = Json.createArrayBuilder();
        parked.forEach(list::add);
        return HealthCheckResponse.named(NAME).up()
                .withData("status", parked.isEmpty() ? "OK" : "DEGRADED")
                .withData(LIST, list.build().toString())
                .build();
    }
}
