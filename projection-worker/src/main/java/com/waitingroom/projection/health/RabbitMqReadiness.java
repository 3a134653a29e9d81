package com.waitingroom.projection.health;

import com.waitingroom.projection.messaging.ConsumerLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while connected to RabbitMQ and subscribed to the projection queue. (PostgreSQL: Agroal's check.) */
@Readiness
@ApplicationScoped
public class RabbitMqReadiness implements HealthCheck {

    @Inject
    ConsumerLifecycle consumer;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("rabbitmq-consumer").status(consumer.isConsuming()).build();
    }
}
