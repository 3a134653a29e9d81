package com.waitingroom.system;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.waitingroom.testsupport.FreePorts;
import com.waitingroom.testsupport.LocalInfra;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.waitingroom.testsupport.auth.LocalIssuer;

/**
 * The four services, started as separate processes against databases and exchange/queue names
 * reserved for this suite, from a clean state: the three of the waiting-room flow share one
 * database, event-ingest-service has its own (as in production).
 */
final class Suite implements AutoCloseable {

    static final String DATABASE = "waitingroom_system_test";
    static final String INGEST_DATABASE = "eventingest_system_test";
    static final String EXCHANGE = "waiting-room.events.system-test";
    static final String QUEUE = "projection-worker.system-test";
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    final ServiceProcess api;
    final ServiceProcess outbox;
    final ServiceProcess projection;
    final ServiceProcess ingest;
    /** The Authorization header value for a role, from the issuer the services trust. */
    private final Function<String, String> bearers;

    private Suite(Path root, Map<String, String> authEnvironment, Function<String, String> bearers,
                  Map<String, String> extraEnvironment) throws IOException {
        this.bearers = bearers;
        Map<String, String> environment = new HashMap<>();
        environment.put("PG_HOST", LocalInfra.pgHost());
        environment.put("PG_PORT", Integer.toString(LocalInfra.pgPort()));
        environment.put("PG_DB", DATABASE);
        environment.put("PG_USER", LocalInfra.pgUser());
        environment.put("PG_PASSWORD", LocalInfra.pgPassword());
        environment.put("RABBITMQ_HOST", LocalInfra.rabbitHost());
        environment.put("RABBITMQ_PORT", Integer.toString(LocalInfra.rabbitPort()));
        environment.put("RABBITMQ_USER", LocalInfra.rabbitUser());
        environment.put("RABBITMQ_PASSWORD", LocalInfra.rabbitPassword());
        environment.put("EVENTS_EXCHANGE", EXCHANGE);
        environment.put("PROJECTION_QUEUE", QUEUE);
        environment.putAll(authEnvironment);
        environment.putAll(extraEnvironment);
        api = new ServiceProcess("api-service", root, freePort(), freePort(), environment);
        outbox = new ServiceProcess("outbox-worker", root, freePort(), freePort(), environment);
        projection = new ServiceProcess("projection-worker", root, freePort(), freePort(), environment);
        Map<String, String> ingestEnvironment = new HashMap<>(environment);
        ingestEnvironment.put("PG_DB", INGEST_DATABASE);
        ingest = new ServiceProcess("event-ingest-service", root, freePort(), freePort(), ingestEnvironment);
    }

    /** The suite trusting this JVM's test issuer (test-support's LocalIssuer). */
    static Suite start() throws Exception {
        return start(LocalIssuer.shared().env(), LocalIssuer.shared()::bearer);
    }

    /**
     * Resets the suite's databases and broker objects, then starts api → (outbox ∥ projection ∥ ingest)
     * with the given AUTH_* environment; {@code bearers} gives a token of that issuer per role.
     */
    static Suite start(Map<String, String> authEnvironment, Function<String, String> bearers) throws Exception {
        return start(authEnvironment, bearers, Map.of());
    }

    /** The suite trusting this JVM's test issuer, every service with this extra environment (e.g. tracing). */
    static Suite startWith(Map<String, String> extraEnvironment) throws Exception {
        return start(LocalIssuer.shared().env(), LocalIssuer.shared()::bearer, extraEnvironment);
    }

    private static Suite start(Map<String, String> authEnvironment, Function<String, String> bearers,
                               Map<String, String> extraEnvironment) throws Exception {
        resetDatabase();
        resetBroker();
        Suite suite = new Suite(suiteRoot(), authEnvironment, bearers, extraEnvironment);
        try {
            // api-service first: it runs the event-store migrations the others rely on.
            suite.api.start();
            suite.api.awaitReady(START_TIMEOUT);
            suite.outbox.start();
            suite.projection.start();
            suite.ingest.start();
            suite.outbox.awaitReady(START_TIMEOUT);
            suite.projection.awaitReady(START_TIMEOUT);
            suite.ingest.awaitReady(START_TIMEOUT);
            return suite;
        } catch (Exception | Error e) {
            suite.close();
            throw e;
        }
    }

    /** "Bearer …" for a member of staff with this role. */
    String bearer(String role) {
        return bearers.apply(role);
    }

    @Override
    public void close() throws InterruptedException {
        ingest.stop();
        projection.stop();
        outbox.stop();
        api.stop();
    }

    private static Path suiteRoot() {
        String root = System.getProperty("suite.root");
        return root == null ? Path.of("..").toAbsolutePath().normalize() : Path.of(root);
    }

    private static void resetDatabase() throws SQLException {
        for (String database : new String[] {DATABASE, INGEST_DATABASE}) {
            try (java.sql.Connection connection = LocalInfra.connect(database);
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS projection CASCADE");
                statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
                statement.execute("CREATE SCHEMA public");
            }
        }
    }

    private static void resetBroker() throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(LocalInfra.rabbitHost());
        factory.setPort(LocalInfra.rabbitPort());
        factory.setUsername(LocalInfra.rabbitUser());
        factory.setPassword(LocalInfra.rabbitPassword());
        try (Connection connection = factory.newConnection("system-tests-reset");
             Channel channel = connection.createChannel()) {
            channel.queueDelete(QUEUE);
            channel.queueDelete(QUEUE + ".dlq");
            channel.exchangeDelete(EXCHANGE);
        }
    }

    private static int freePort() {
        return FreePorts.next(); // below the ephemeral range: no outgoing connection can take it first
    }
}
