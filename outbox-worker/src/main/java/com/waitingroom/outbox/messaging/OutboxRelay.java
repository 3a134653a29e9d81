package com.waitingroom.outbox.messaging;

import com.waitingroom.outbox.config.OutboxConfig;
import com.waitingroom.outbox.domain.Backoff;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The application's relay replica: started after the migrations, drained on shutdown. */
@ApplicationScoped
public class OutboxRelay {

    private final OutboxConfig config;
    private final RabbitConnector connector;
    private final RelayEngine engine;

    OutboxRelay(OutboxConfig config, AgroalDataSource dataSource, MeterRegistry registry, Tracer tracer) {
        this.config = config;
        OutboxConfig.Rabbitmq rabbit = config.rabbitmq();
        this.connector = new RabbitConnector(rabbit.host(), rabbit.port(), rabbit.username(), rabbit.password(),
                rabbit.virtualHost(), config.exchange());
        this.engine = new RelayEngine("relay", dataSource, connector, settingsOf(config), new RelayMetrics(registry),
                new PublishTracing(tracer, config.exchange()));
    }

    public static RelayEngine.Settings settingsOf(OutboxConfig config) {
        return new RelayEngine.Settings(config.batchSize(), config.workers(), config.safetyPollInterval(),
                config.linger(), config.lingerPollInterval(), config.confirmTimeout(), config.mandatory(), config.maxAttempts(),
                new Backoff(config.backoff().base(), config.backoff().cap()),
                new Backoff(config.outageBackoff().base(), config.outageBackoff().cap()), config.pipelineDepth());
    }

    void onStart(@Observes StartupEvent event) {
        if (config.relayEnabled()) {
            engine.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        engine.close();
        connector.close();
    }

    public RelayEngine engine() {
        return engine;
    }

    public RabbitConnector connector() {
        return connector;
    }

    public boolean enabled() {
        return config.relayEnabled();
    }
}
