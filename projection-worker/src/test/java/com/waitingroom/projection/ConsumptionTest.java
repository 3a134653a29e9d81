package com.waitingroom.projection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.messaging.ApplyListener;
import com.waitingroom.projection.messaging.ConsumerLifecycle;
import com.waitingroom.projection.messaging.ProjectionConsumer;
import com.waitingroom.projection.store.LiveProjection;
import com.waitingroom.testsupport.LocalInfra;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static com.waitingroom.projection.Api.admin;
import static com.waitingroom.projection.Api.management;
import static com.waitingroom.projection.Api.staff;
import static com.waitingroom.projection.Api.viewer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery semantics on the real broker and database: order, gaps, undecodable messages, scale-out,
 * lag. Projector failures (which park their queue) are in ParkedQueueTest.
 */
@QuarkusTest
class ConsumptionTest extends PublishingTest {

    @Inject
    LiveProjection projection;
    @Inject
    ProjectionConfig config;

    static long version(String queueId) {
        var response = viewer().get("/api/waiting-rooms/{q}/queue", queueId).then().extract();
        return response.statusCode() == 200 ? response.jsonPath().getLong("version") : 0;
    }

    static void awaitVersion(String queueId, long version) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> version(queueId) >= version);
    }

    static long parkedCount(String aggregateId) throws Exception {
        try (var c = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM projection.parked_events WHERE aggregate_id = ?")) {
            s.setString(1, aggregateId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void outOfOrderDeliveryIsFilledFromTheEventStore() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("gapfill")).created()
                .checkIn("P-1", "Ana", Priority.LOW).checkIn("P-2", "Bruno", Priority.LOW)
                .checkIn("P-3", "Carla", Priority.LOW);
        TestEvents.store(stream.events);
        events.publish(stream.version(1));
        awaitVersion(stream.queueId, 1);
        events.publish(stream.version(4)); // v2, v3 still "in flight": read from public.events
        awaitVersion(stream.queueId, 4);
        events.publish(stream.version(3));
        events.publish(stream.version(2));
        viewer().get("/api/waiting-rooms/{q}/queue", stream.queueId).then()
                .body("cashierLine.patientId", contains("P-1", "P-2", "P-3"));
        assertEquals(0, parkedCount(stream.queueId));
    }

    @Test
    void eventAheadOfAGapIsParkedUntilTheGapCloses() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("park")).created()
                .checkIn("P-1", "Ana", Priority.LOW).checkIn("P-2", "Bruno", Priority.URGENT);
        // Not in the event store: only the missing delivery can close the gap.
        events.publish(stream.version(1));
        events.publish(stream.version(3));
        await().atMost(Duration.ofSeconds(20)).until(() -> parkedCount(stream.queueId) == 1);
        assertEquals(1, version(stream.queueId), "v3 must not be applied before v2");
        viewer().get("/api/projections").then().body("[0].parkedEvents", greaterThan(0));

        events.publish(stream.version(2));
        awaitVersion(stream.queueId, 3);
        viewer().get("/api/waiting-rooms/{q}/queue", stream.queueId).then()
                .body("cashierLine.patientId", contains("P-2", "P-1"));
        assertEquals(0, parkedCount(stream.queueId));
    }

    @Test
    void poisonMessagesAreDeadLetteredWithAReasonAndConsumptionGoesOn() throws Exception {
        double deadBefore = deadLetters();
        String undecodableId = UUID.randomUUID().toString();
        events.publishRaw("Garbage", new AMQP.BasicProperties.Builder().messageId(undecodableId)
                .contentType("application/json").deliveryMode(2).build(), "{not json".getBytes(StandardCharsets.UTF_8));

        TestEvents.Stream unknown = new TestEvents.Stream(TestEvents.newQueueId("unknown-type")).created();
        ObjectNode tree = (ObjectNode) EventCodec.newObjectMapper().readTree(EventCodec.standard().encode(unknown.version(1)));
        tree.put("eventType", "PatientTeleported");
        String unknownTypeId = unknown.version(1).eventId().toString();
        events.publishRaw("PatientTeleported", new AMQP.BasicProperties.Builder().messageId(unknownTypeId)
                .deliveryMode(2).build(), tree.toString().getBytes(StandardCharsets.UTF_8));

        TestEvents.Stream foreign = new TestEvents.Stream(TestEvents.newQueueId("foreign-type")).created();
        ObjectNode invoice = (ObjectNode) EventCodec.newObjectMapper().readTree(EventCodec.standard().encode(foreign.version(1)));
        invoice.put("aggregateType", "Invoice");
        String foreignTypeId = foreign.version(1).eventId().toString();
        events.publishRaw("WaitingQueueCreated", new AMQP.BasicProperties.Builder().messageId(foreignTypeId)
                .deliveryMode(2).build(), invoice.toString().getBytes(StandardCharsets.UTF_8));

        TestEvents.Stream healthy = new TestEvents.Stream(TestEvents.newQueueId("after-poison")).created()
                .checkIn("P-1", "Ana", Priority.MEDIUM);
        events.publishAll(healthy.events);
        awaitVersion(healthy.queueId, 2);

        Map<String, GetResponse> dead = new HashMap<>();
        try (Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                GetResponse message;
                while ((message = channel.basicGet(ProjectionTestInfra.QUEUE + ".dlq", true)) != null) {
                    dead.put(message.getProps().getMessageId(), message);
                }
                return dead.containsKey(undecodableId) && dead.containsKey(unknownTypeId)
                        && dead.containsKey(foreignTypeId);
            });
        }
        assertTrue(reason(dead.get(undecodableId)).startsWith("undecodable"), reason(dead.get(undecodableId)));
        assertTrue(reason(dead.get(unknownTypeId)).contains("unknown event type 'PatientTeleported'"));
        assertTrue(reason(dead.get(foreignTypeId)).contains("unsupported aggregate type 'Invoice'"),
                reason(dead.get(foreignTypeId)));
        assertEquals("{not json", new String(dead.get(undecodableId).getBody(), StandardCharsets.UTF_8));
        assertTrue(deadLetters() >= deadBefore + 3);
        // A handler failure is not dead-lettered: it parks its queue (ParkedQueueTest).
        viewer().get("/api/projections").then().body("[0].lastError", notNullValue());
    }

    private static String reason(GetResponse message) {
        return String.valueOf(message.getProps().getHeaders().get("x-dead-letter-reason"));
    }

    private static double deadLetters() {
        String metrics = management().get("/q/metrics").asString();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("projection_dead_letters_total")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("projection_dead_letters_total missing");
    }

    @Test
    void aConsumerSaysItIsConsumingOnlyOnceItsQueueIsBoundAndSubscribed() throws Exception {
        ProjectionConsumer.Settings main = ConsumerLifecycle.settings(config);
        String queue = main.queue() + ".fresh-" + UUID.randomUUID();
        String exchange = main.exchange() + ".fresh";
        ProjectionConsumer.Settings fresh = new ProjectionConsumer.Settings(main.host(), main.port(), main.username(),
                main.password(), exchange, queue, main.deadLetterExchange(), 5, 3, main.maxAttempts());
        try (ProjectionConsumer consumer = new ProjectionConsumer(fresh, projection::apply, projection::park,
                (outcome, committedAt) -> { });
             Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
            consumer.start();
            // Polled as tightly as a caller would: the first "true" must already be the truth.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!consumer.isConsuming()) {
                assertTrue(System.nanoTime() < deadline, "never consuming");
                Thread.onSpinWait();
            }
            AMQP.Queue.DeclareOk declared = channel.queueDeclarePassive(queue); // 404 if not declared yet
            assertEquals(1, declared.getConsumerCount(), "the consumer is registered");
        } finally {
            try (Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
                channel.queueDelete(queue);
                channel.exchangeDelete(exchange);
            }
        }
    }

    @Test
    void twoInstancesOnOneQueueBuildTheSameReadModels() throws Exception {
        AtomicInteger appliedBySecond = new AtomicInteger();
        ApplyListener counting = (outcome, committedAt) -> {
            appliedBySecond.addAndGet(outcome.applied().size());
        };
        ProjectionConsumer.Settings main = ConsumerLifecycle.settings(config);
        // Small prefetch/batches so deliveries interleave between the two instances.
        ProjectionConsumer.Settings second = new ProjectionConsumer.Settings(main.host(), main.port(), main.username(),
                main.password(), main.exchange(), main.queue(), main.deadLetterExchange(), 5, 3, main.maxAttempts());
        try (ProjectionConsumer secondInstance = new ProjectionConsumer(second, projection::apply, projection::park,
                counting)) {
            secondInstance.start();
            await().atMost(Duration.ofSeconds(10)).until(secondInstance::isConsuming);
            List<TestEvents.Stream> streams = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("scale")).created();
                for (int p = 1; p <= 40; p++) {
                    stream.checkIn("P-" + p, "Patient " + p, Priority.values()[p % 4]);
                }
                for (int p = 1; p <= 10; p++) {
                    stream.add(new PatientCalledAtCashier(stream.queueId, "P-" + p, "D-" + (p % 2)));
                }
                streams.add(stream);
            }
            // Interleave the streams on the wire, as concurrent commands would.
            for (int i = 0; i < 51; i++) {
                for (TestEvents.Stream stream : streams) {
                    events.publish(stream.version(i + 1));
                }
            }
            for (TestEvents.Stream stream : streams) {
                awaitVersion(stream.queueId, 51);
            }
            assertTrue(appliedBySecond.get() > 0, "the second instance must have applied some events");
            for (TestEvents.Stream stream : streams) {
                viewer().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().body("cashierLine", hasSize(30));
                viewer().get("/api/waiting-rooms/{q}/monitor", stream.queueId).then()
                        .body("atCashier", equalTo(10)).body("waitingTotal", equalTo(30));
                staff().get("/api/waiting-rooms/{q}/patients/P-10/trajectory", stream.queueId).then()
                        .body("visits[0].steps.version", contains(11, 51)).body("state", equalTo("AtCashier"));
                viewer().get("/api/waiting-rooms/{q}/next-turn", stream.queueId).then()
                        .body("cashierDesks.stationId", contains("D-0", "D-1"))
                        .body("cashierDesks.patientId", contains("P-10", "P-9"));
            }
        }
    }

    @Test
    void readinessDegradesWhileLagIsAboveTheThresholdAndRecovers() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("lag"),
                Instant.now().minus(Duration.ofMinutes(10))).created();
        events.publish(stream.version(1));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> management().get("/q/health/ready").then()
                .statusCode(503).body("checks.find { it.name == 'projection-lag' }.status", equalTo("DOWN")));

        TestEvents.Stream fresh = new TestEvents.Stream(TestEvents.newQueueId("lag-fresh")).created();
        events.publish(fresh.version(1));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                management().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void lagEndpointReportsPercentilesAndRate() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("lagstats")).created()
                .checkIn("P-1", "Ana", Priority.LOW).checkIn("P-2", "Bruno", Priority.LOW);
        Instant from = Instant.now().minusSeconds(1);
        events.publishAll(stream.events);
        awaitVersion(stream.queueId, 3);
        viewer().queryParam("eventType", "PatientCheckedIn").queryParam("from", from.toString())
                .get("/api/metrics/lag").then().statusCode(200)
                .body("count", greaterThan(1)).body("p50Millis", notNullValue()).body("p99Millis", notNullValue())
                .body("maxMillis", notNullValue()).body("eventType", equalTo("PatientCheckedIn"));
        viewer().queryParam("from", "yesterday").get("/api/metrics/lag").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("from"));
        viewer().queryParam("eventType", "Nope").get("/api/metrics/lag").then().statusCode(400)
                .body("errors[0].field", equalTo("eventType"));
        viewer().queryParam("from", "2030-01-01T00:00:00Z").queryParam("to", "2029-01-01T00:00:00Z")
                .get("/api/metrics/lag").then().statusCode(400);
    }

    @Test
    void rebuildRequiresRoleAdmin() {
        given().post("/api/projections/waiting-rooms/rebuild").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", startsWith("Bearer"));
        given().header("Authorization", "Bearer wrong").post("/api/projections/waiting-rooms/rebuild").then()
                .statusCode(401).body("code", equalTo("INVALID_TOKEN"));
        viewer().post("/api/projections/waiting-rooms/rebuild").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("ROLE_NOT_ALLOWED"));
        admin().post("/api/projections/no-such/rebuild").then().statusCode(404)
                .body("code", equalTo("PROJECTION_NOT_FOUND"));
        viewer().get("/api/projections").then().statusCode(200).body("[0].name", equalTo("waiting-rooms"))
                .body("[0].status", containsString("LIVE"));
    }
}
