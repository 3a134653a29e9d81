package com.waitingroom.projection;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.PatientAbsentAtCashier;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.messaging.ApplyListener;
import com.waitingroom.projection.messaging.ConsumerLifecycle;
import com.waitingroom.projection.messaging.ProjectionConsumer;
import com.waitingroom.projection.store.BatchOutcome;
import com.waitingroom.projection.store.LiveProjection;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outages while messages arrive, simulated with TcpProxy (the shared servers keep running).
 * PostgreSQL: a consumer whose database connection goes through a proxy keeps the messages
 * unacknowledged, dead-letters nothing, and applies all of them once the database is back.
 * RabbitMQ: the service's own consumer reaches the broker through ProjectionTestInfra's proxy; it
 * turns not ready, reconnects and re-subscribes by itself, and applies every event exactly once in
 * per-aggregate order.
 */
@QuarkusTest
class OutageTest {

    private static final String EXCHANGE = "projection-test.outage-events";
    private static final String QUEUE = "projection-test.outage-read-models";

    @Inject
    ProjectionConfig config;

    @Test
    void databaseOutageLosesNothingAndDeadLettersNothing() throws Exception {
        try (Connection rabbit = TestEvents.rabbit(); Channel channel = rabbit.createChannel()) {
            channel.queueDelete(QUEUE);
            channel.queueDelete(QUEUE + ".dlq");
        }
        AtomicInteger deadLettered = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ApplyListener listener = new ApplyListener() {
            @Override
            public void batchCommitted(BatchOutcome outcome, Instant committedAt) {
            }

            @Override
            public void deadLettered(String reason) {
                deadLettered.incrementAndGet();
            }

            @Override
            public void failed(String error) {
                failures.incrementAndGet();
            }
        };
        try (TcpProxy postgres = TcpProxy.start(LocalInfra.pgHost(), LocalInfra.pgPort());
             TestEvents events = new TestEvents()) {
            PGSimpleDataSource viaProxy = new PGSimpleDataSource();
            viaProxy.setURL("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + ProjectionTestInfra.DATABASE);
            viaProxy.setUser(LocalInfra.pgUser());
            viaProxy.setPassword(LocalInfra.pgPassword());
            viaProxy.setConnectTimeout(2);
            LiveProjection projection = new LiveProjection(viaProxy);
            ProjectionConsumer.Settings main = ConsumerLifecycle.settings(config);
            ProjectionConsumer.Settings settings = new ProjectionConsumer.Settings(main.host(), main.port(),
                    main.username(), main.password(), EXCHANGE, QUEUE, main.deadLetterExchange(), 50, 20,
                    main.maxAttempts());
            try (ProjectionConsumer consumer = new ProjectionConsumer(settings, projection::apply, projection::park,
                    listener)) {
                consumer.start();
                await().atMost(Duration.ofSeconds(10)).until(consumer::isConsuming);

                TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("outage")).created();
                for (int p = 1; p <= 80; p++) {
                    stream.checkIn("P-" + p, "Patient " + p, Priority.values()[p % 4]);
                }
                postgres.cut();
                for (var envelope : stream.events) {
                    long now = System.currentTimeMillis();
                    events.publishTo(EXCHANGE, envelope, now, now);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> failures.get() > 0);
                Thread.sleep(1000);
                given().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(404);

                postgres.restore();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                        given().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(200)
                                .body("cashierLine", hasSize(80)));
                assertEquals(0, deadLettered.get(), "an outage is not a poison message");
                try (Connection rabbit = TestEvents.rabbit(); Channel channel = rabbit.createChannel()) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> channel.queueDeclarePassive(QUEUE)
                            .getMessageCount() == 0);
                    assertEquals(0, channel.queueDeclarePassive(QUEUE + ".dlq").getMessageCount());
                }
                assertTrue(failures.get() > 0);
            }
        } finally {
            try (Connection rabbit = TestEvents.rabbit(); Channel channel = rabbit.createChannel()) {
                channel.queueDelete(QUEUE);
                channel.queueDelete(QUEUE + ".dlq");
                channel.exchangeDelete(EXCHANGE);
            }
        }
    }

    @Test
    void brokerOutageIsRecoveredAutomaticallyAndEveryEventIsAppliedOnceInOrder() throws Exception {
        TcpProxy broker = ProjectionTestInfra.rabbitProxy();
        List<TestEvents.Stream> streams = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("brokercut")).created();
            for (int p = 1; p <= 30; p++) {
                stream.checkIn("P-" + p, "Patient " + p, Priority.values()[p % 4]);
            }
            for (int p = 1; p <= 30; p++) {
                stream.add(new PatientCalledAtCashier(stream.queueId, "P-" + p, "D-" + (p % 3)));
                stream.add(new PatientAbsentAtCashier(stream.queueId, "P-" + p, 1, null));
            }
            streams.add(stream);
        }
        // Interleaved on the wire as concurrent commands would be, then split before/during/after the cut.
        List<EventEnvelope> wire = new ArrayList<>();
        for (int v = 1; v <= streams.get(0).events.size(); v++) {
            for (TestEvents.Stream stream : streams) {
                wire.add(stream.version(v));
            }
        }
        List<EventEnvelope> beforeCut = wire.subList(0, wire.size() / 3);
        List<EventEnvelope> duringCut = wire.subList(wire.size() / 3, 2 * wire.size() / 3);
        List<EventEnvelope> afterRestore = wire.subList(2 * wire.size() / 3, wire.size());

        try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             Connection rabbit = TestEvents.rabbit(); Channel direct = rabbit.createChannel();
             TestEvents events = new TestEvents()) {
            spyOnApplications(db);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().get("/q/health/ready").then().statusCode(200));

            events.publishAll(beforeCut);
            await().atMost(Duration.ofSeconds(30)).until(() -> !applications(db).isEmpty());
            broker.cut();
            events.publishAll(duringCut); // straight to the broker: it keeps them for the consumer
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(503).body("checks.find { it.name == 'rabbitmq-consumer' }.status", equalTo("DOWN")));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    direct.queueDeclarePassive(ProjectionTestInfra.QUEUE).getConsumerCount() == 0);

            broker.restore();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    given().get("/q/health/ready").then().statusCode(200));
            events.publishAll(afterRestore);

            int lastVersion = streams.get(0).events.size();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    applications(db).values().stream().mapToInt(List::size).sum() >= wire.size());
            Map<String, List<Long>> applied = applications(db);
            List<Long> everyVersionOnceInOrder = LongStream.rangeClosed(1, lastVersion).boxed().toList();
            for (TestEvents.Stream stream : streams) {
                assertEquals(everyVersionOnceInOrder, applied.get(stream.queueId), stream.queueId);
                given().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(200)
                        .body("version", equalTo(lastVersion)).body("cashierLine", hasSize(30));
            }
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    direct.queueDeclarePassive(ProjectionTestInfra.QUEUE).getMessageCount() == 0);
            assertEquals(1, direct.queueDeclarePassive(ProjectionTestInfra.QUEUE).getConsumerCount(),
                    "exactly one re-declared consumer");
            assertEquals(0, direct.queueDeclarePassive(ProjectionTestInfra.QUEUE + ".dlq").getMessageCount());
        } finally {
            broker.restore();
            try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
                 Statement statement = db.createStatement()) {
                statement.execute("DROP TRIGGER IF EXISTS test_spy ON projection.applied_events");
            }
        }
    }

    /**
     * Records every application of a broker-cut event in commit order: a BEFORE INSERT trigger on
     * the inbox fires even when ON CONFLICT would drop the row, so a second application shows.
     */
    private static void spyOnApplications(java.sql.Connection db) throws Exception {
        try (Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS public.test_applications (seq BIGSERIAL PRIMARY KEY,"
                    + " aggregate_id TEXT NOT NULL, version BIGINT NOT NULL)");
            statement.execute("CREATE OR REPLACE FUNCTION public.test_record_application() RETURNS trigger"
                    + " LANGUAGE plpgsql AS $$ BEGIN IF NEW.aggregate_id LIKE 'brokercut-%' THEN"
                    + " INSERT INTO public.test_applications (aggregate_id, version)"
                    + " VALUES (NEW.aggregate_id, NEW.version); END IF; RETURN NEW; END $$");
            statement.execute("DROP TRIGGER IF EXISTS test_spy ON projection.applied_events");
            statement.execute("CREATE TRIGGER test_spy BEFORE INSERT ON projection.applied_events"
                    + " FOR EACH ROW EXECUTE FUNCTION public.test_record_application()");
        }
    }

    /** Applied versions per aggregate, in the order they were applied. */
    private static Map<String, List<Long>> applications(java.sql.Connection db) throws Exception {
        Map<String, List<Long>> applied = new HashMap<>();
        try (Statement statement = db.createStatement();
             ResultSet rs = statement.executeQuery("SELECT aggregate_id, version FROM public.test_applications ORDER BY seq")) {
            while (rs.next()) {
                applied.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getLong(2));
            }
        }
        return applied;
    }
}
