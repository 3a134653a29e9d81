package com.waitingroom.projection.health;

import com.waitingroom.projection.messaging.ConsumerLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while connected to RabbitMQ and subscribed to the projection queue. From memory: the
 * consumer's connection and channel state, updated by the client as soon as a socket closes (or
 * after two missed heartbeats), so a probe never touches the broker. (PostgreSQL: DatabaseReadiness.)
 */
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
