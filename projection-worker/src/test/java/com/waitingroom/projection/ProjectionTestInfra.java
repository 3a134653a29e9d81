package com.waitingroom.projection;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Statement;
import java.util.Map;

/**
 * Prepares the suite's own database and RabbitMQ names before Quarkus starts: cleans both schemas,
 * creates the event store (public.events) from the kernel's db/eventstore migrations, deletes the
 * suite's queues, and points the service at them. The service reaches RabbitMQ and PostgreSQL
 * through TcpProxies so a test can cut either without touching the shared servers (migrations and
 * test code connect directly).
 */
public class ProjectionTestInfra implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "waitingroom_projection_test";
    public static final String EXCHANGE = "projection-test.events";
    public static final String QUEUE = "projection-test.read-models";
    public static final String DEAD_LETTER_EXCHANGE = "projection-test.events.dlx";

    /** Set by bench/projection-worker.sh: the measured pool talks to PostgreSQL without the proxy hop. */
    static final String DIRECT_DATABASE = "projection-test.direct-database";

    private static volatile TcpProxy rabbitProxy;
    private static volatile TcpProxy postgresProxy;

    /** Between the service's consumer and RabbitMQ; test publishers connect to the broker directly. */
    public static TcpProxy rabbitProxy() {
        return rabbitProxy;
    }

    /** Between the service (its pool and its health check) and PostgreSQL; tests connect directly. */
    public static TcpProxy postgresProxy() {
        return postgresProxy;
    }

    @Override
    public Map<String, String> start() {
        try (java.sql.Connection connection = LocalInfra.connect(DATABASE); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS projection CASCADE");
            statement.execute("DROP SCHEMA IF EXISTS projection_rebuild CASCADE");
            statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
            statement.execute("CREATE SCHEMA public");
        } catch (Exception e) {
            throw new IllegalStateException("cannot clean " + DATABASE, e);
        }
        Flyway.configure()
                .dataSource(LocalInfra.jdbcUrl(DATABASE), LocalInfra.pgUser(), LocalInfra.pgPassword())
                .locations("classpath:db/eventstore").schemas("public").load().migrate();
        try (Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
            channel.queueDelete(QUEUE);
            channel.queueDelete(QUEUE + ".dlq");
        } catch (Exception e) {
            throw new IllegalStateException("cannot reset RabbitMQ queues", e);
        }
        try {
            rabbitProxy = TcpProxy.start(LocalInfra.rabbitHost(), LocalInfra.rabbitPort());
            postgresProxy = TcpProxy.start(LocalInfra.pgHost(), LocalInfra.pgPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String serviceDatabase = Boolean.getBoolean(DIRECT_DATABASE) ? LocalInfra.jdbcUrl(DATABASE)
                : "jdbc:postgresql://127.0.0.1:" + postgresProxy.port() + "/" + DATABASE;
        return Map.of(
                "quarkus.datasource.jdbc.url", serviceDatabase + "?reWriteBatchedInserts=true",
                "projection.exchange", EXCHANGE,
                "projection.queue", QUEUE,
                "projection.dead-letter-exchange", DEAD_LETTER_EXCHANGE,
                "projection.lag-threshold", "60s",
                "projection.parked-retry-after", "1s",
                "projection.stream.heartbeat", "1s",
                "projection.rabbitmq.host", "127.0.0.1",
                "projection.rabbitmq.port", String.valueOf(rabbitProxy.port()));
    }

    @Override
    public void stop() {
        // Data stays for post-mortem inspection; the next run cleans it.
        if (rabbitProxy != null) {
            rabbitProxy.close();
        }
        if (postgresProxy != null) {
            postgresProxy.close();
        }
    }
}
