package com.waitingroom.outbox;

import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;
import com.waitingroom.testsupport.TestPorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Test configuration of the whole suite (also applied to the packaged app in the IT run): the
 * suite's own database and exchange, fast back-off, and RabbitMQ reached through a TcpProxy so a
 * test can cut the broker without touching the shared server.
 */
public class OutboxTestInfra implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "waitingroom_outbox_test";
    public static final String EXCHANGE = "outbox-worker.test.events";
    public static final int MAX_ATTEMPTS = 3;
    public static final long BACKOFF_BASE_MILLIS = 500;

    private static volatile TcpProxy rabbitProxy;

    public static TcpProxy rabbitProxy() {
        return rabbitProxy;
    }

    /** The management port (health, metrics, OpenAPI) of the app under test (test-support's TestPorts). */
    public static int managementPort() {
        return TestPorts.management();
    }

    @Override
    public Map<String, String> start() {
        try {
            rabbitProxy = TcpProxy.start(LocalInfra.rabbitHost(), LocalInfra.rabbitPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", LocalInfra.jdbcUrl(DATABASE));
        config.put("quarkus.datasource.username", LocalInfra.pgUser());
        config.put("quarkus.datasource.password", LocalInfra.pgPassword());
        config.put("quarkus.flyway.clean-at-start", "true");
        config.put("quarkus.flyway.clean-disabled", "false");
        config.put("outbox.exchange", EXCHANGE);
        config.put("outbox.rabbitmq.host", "127.0.0.1");
        config.put("outbox.rabbitmq.port", String.valueOf(rabbitProxy.port()));
        config.put("outbox.rabbitmq.username", LocalInfra.rabbitUser());
        config.put("outbox.rabbitmq.password", LocalInfra.rabbitPassword());
        config.put("outbox.max-attempts", String.valueOf(MAX_ATTEMPTS));
        config.put("outbox.backoff.base", BACKOFF_BASE_MILLIS + "ms");
        config.put("outbox.backoff.cap", "2s");
        config.put("outbox.outage-backoff.base", "100ms");
        config.put("outbox.outage-backoff.cap", "500ms");
        config.put("outbox.safety-poll-interval", "1s");
        config.put("outbox.confirm-timeout", "3s");
        config.put("outbox.gauge-refresh-interval", "1s");
        config.put("outbox.cleanup.interval", "1h");
        config.put("outbox.batch-size", "100");
        return config;
    }

    @Override
    public void stop() {
        if (rabbitProxy != null) {
            rabbitProxy.close();
        }
    }
}
