package com.waitingroom.projection.messaging;

import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.store.LiveProjection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Starts the queue consumer with the application and drains it on shutdown. */
@ApplicationScoped
public class ConsumerLifecycle {

    private static final Logger LOG = Logger.getLogger(ConsumerLifecycle.class);

    @Inject
    ProjectionConfig config;
    @Inject
    LiveProjection projection;
    @Inject
    ProjectionMetrics metrics;

    private volatile ProjectionConsumer consumer;

    void onStart(@Observes StartupEvent event) {
        consumer = new ProjectionConsumer(settings(config), projection::apply, metrics);
        consumer.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        ProjectionConsumer current = consumer;
        if (current != null) {
            current.close();
        }
    }

    public static ProjectionConsumer.Settings settings(ProjectionConfig config) {
        return new ProjectionConsumer.Settings(config.rabbitmq().host(), config.rabbitmq().port(),
                config.rabbitmq().username(), config.rabbitmq().password(), config.exchange(), config.queue(),
                config.deadLetterExchange(), config.prefetch(), config.batchSize(), config.maxAttempts());
    }

    public boolean isConsuming() {
        ProjectionConsumer current = consumer;
        return current != null && current.isConsuming();
    }

    /** Safety net for parked events whose missing predecessor never arrives by message. */
    @Scheduled(every = "${projection.parked-retry-after}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryParked() {
        try {
            metrics.batchCommitted(projection.retryParked(config.parkedRetryAfter()), java.time.Instant.now());
        } catch (Exception e) {
            LOG.warnf("retrying parked events failed: %s", Failures.describe(e));
            metrics.failed(Failures.describe(e));
        }
    }
}
