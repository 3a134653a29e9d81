package com.waitingroom.outbox;

import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.testsupport.TcpProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's guarantees against the real PostgreSQL and RabbitMQ, seen only from outside (database rows,
 * a RabbitMQ consumer, HTTP): so the same tests run in-process and, as {@link RelayGuaranteesIT}, against
 * the packaged app (the JVM jar, or the native executable with -Pnative).
 */
@QuarkusTest
@QuarkusTestResource(OutboxTestInfra.class)
class RelayGuaranteesTest {

    private static final String BEARER = TestIssuer.admin();

    /** Health and metrics: the management interface (no token). */
    private static RequestSpecification management() {
        return given().port(OutboxTestInfra.managementPort());
    }

    @Test
    void rowsOfLongTransactionsCommittingOutOfIdOrderAreNotSkipped() throws Exception {
        String slowQueue = "slow-" + UUID.randomUUID();
        String fastQueue = "fast-" + UUID.randomUUID();
        try (TestConsumer consumer = new TestConsumer("#");
             Connection slow = TestOutbox.connect()) {
            // The long transaction takes the lowest ids first, then commits after many later ids.
            slow.setAutoCommit(false);
            List<Long> slowIds = TestOutbox.append(slow, List.of(TestOutbox.checkIn(slowQueue, 1),
                    TestOutbox.checkIn(slowQueue, 2)));
            List<Long> fastIds = new ArrayList<>();
            for (long v = 1; v <= 30; v++) {
                fastIds.addAll(TestOutbox.commit(List.of(TestOutbox.checkIn(fastQueue, v))));
            }
            assertTrue(slowIds.get(1) < fastIds.get(0), "the slow transaction holds the older ids");
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.forAggregates(Set.of(fastQueue)).size() == 30);
            slow.commit();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.forAggregates(Set.of(slowQueue)).size() == 2);
            assertEquals(List.of(1L, 2L), consumer.forAggregates(Set.of(slowQueue)).stream()
                    .map(TestConsumer.Received::version).toList());
        }
    }

    @Test
    void aBrokerOutageDelaysRowsWithoutBurningAttempts() throws Exception {
        TcpProxy proxy = OutboxTestInfra.rabbitProxy();
        String queueId = "outage-" + UUID.randomUUID();
        int total = 150;
        try (TestConsumer consumer = new TestConsumer("#")) {
            ExecutorService writer = Executors.newSingleThreadExecutor();
            Future<List<Long>> written = writer.submit(() -> {
                List<Long> ids = new ArrayList<>();
                for (long v = 1; v <= total; v += 5) {
                    List<EventEnvelope> batch = new ArrayList<>();
                    for (long k = v; k < v + 5; k++) {
                        batch.add(TestOutbox.checkIn(queueId, k));
                    }
                    ids.addAll(TestOutbox.commit(batch));
                    Thread.sleep(50);
                }
                return ids;
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.forAggregates(Set.of(queueId)).size() >= 20);
            proxy.cut();
            try {
                // readiness answers from a background check: DOWN within a few seconds, not at once
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> management().get("/q/health/ready").then().statusCode(503));
                management().get("/q/health/live").then().statusCode(200);
                Thread.sleep(2_000);
                long waiting = TestOutbox.count("SELECT count(*) FROM outbox WHERE status = 'pending' AND aggregate_id = '"
                        + queueId + "'");
                assertTrue(waiting > 0, "rows wait during the outage");
            } finally {
                proxy.restore();
            }
            List<Long> ids = written.get(60, TimeUnit.SECONDS);
            writer.shutdown();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    consumer.forAggregates(Set.of(queueId)).stream().map(TestConsumer.Received::version)
                            .collect(Collectors.toSet()).size() == total);
            assertEquals(0, TestOutbox.count("SELECT count(*) FROM outbox WHERE attempts > 0 AND aggregate_id = '"
                    + queueId + "'"), "an outage is not the rows' fault");
            await().atMost(Duration.ofSeconds(10)).until(() -> TestOutbox.count(
                    "SELECT count(*) FROM outbox_dispatched WHERE aggregate_id = '" + queueId + "'") == total);
            assertEquals(total, ids.size());
            // Messages in doubt at the cut may come twice (at-least-once), but the first copies are in order.
            List<Long> firstSeen = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            for (TestConsumer.Received r : consumer.forAggregates(Set.of(queueId))) {
                if (seen.add(r.version())) {
                    firstSeen.add(r.version());
                }
            }
            for (int i = 0; i < firstSeen.size(); i++) {
                assertEquals(i + 1L, firstSeen.get(i), "per-aggregate order across the outage");
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> management().get("/q/health/ready").then().statusCode(200));
        }
    }

    @Test
    void aRefusedPublishIsRetriedWithBackoffEndsDeadAndIsPublishedAfterRequeue() throws Exception {
        String poisonType = "PoisonProbe";
        String rejectQueue = "outbox-worker.test.reject-" + UUID.randomUUID();
        createdRejectQueues.add(rejectQueue);
        String byId = "poison-a-" + UUID.randomUUID();
        String byType = "poison-b-" + UUID.randomUUID();
        try (TestConsumer consumer = new TestConsumer("#")) {
            // A queue that refuses every message: the broker nacks publishes routed to it.
            // x-expires: even if this test dies midway, the broker drops the queue within a minute.
            consumer.channel().queueDeclare(rejectQueue, false, false, true,
                    Map.of("x-max-length", 0, "x-overflow", "reject-publish", "x-expires", 60_000));
            consumer.channel().queueBind(rejectQueue, OutboxTestInfra.EXCHANGE, poisonType);
            String metricsBefore = management().get("/q/metrics").then().extract().asString();

            List<Long> a = TestOutbox.commit(List.of(TestOutbox.probe(byId, 1, poisonType),
                    TestOutbox.checkIn(byId, 2)));
            List<Long> b = TestOutbox.commit(List.of(TestOutbox.probe(byType, 1, poisonType)));
            long poison = a.get(0);
            long successor = a.get(1);

            // Watch the row's attempts: each failure pushes next_attempt_at out by the back-off.
            Map<Integer, Double> nextAttemptAfterCreated = new HashMap<>();
            long deadline = System.currentTimeMillis() + 30_000;
            TestOutbox.RowState state = TestOutbox.state(poison);
            while (!"dead".equals(state.status()) && System.currentTimeMillis() < deadline) {
                nextAttemptAfterCreated.putIfAbsent(state.attempts(), state.nextAttemptAfterCreatedMillis());
                Thread.sleep(20);
                state = TestOutbox.state(poison);
            }
            assertEquals("dead", state.status());
            assertEquals(OutboxTestInfra.MAX_ATTEMPTS, state.attempts());
            assertTrue(state.lastError().contains("nack"), state.lastError());
            long base = OutboxTestInfra.BACKOFF_BASE_MILLIS;
            assertNotNull(nextAttemptAfterCreated.get(1), "attempt 1 observed");
            assertNotNull(nextAttemptAfterCreated.get(2), "attempt 2 observed");
            assertTrue(nextAttemptAfterCreated.get(1) >= base / 2.0, "first retry backs off >= base/2");
            assertTrue(nextAttemptAfterCreated.get(2) >= base / 2.0 + base, "second retry backs off >= base");
            String metricsAfter = management().get("/q/metrics").then().extract().asString();
            assertTrue(metricValue(metricsAfter, "outbox_dead_transitions_total")
                    >= metricValue(metricsBefore, "outbox_dead_transitions_total") + 1);
            assertTrue(metricValue(metricsAfter, "outbox_publish_failures_total")
                    >= metricValue(metricsBefore, "outbox_publish_failures_total") + OutboxTestInfra.MAX_ATTEMPTS);

            // The failing row blocks its aggregate: version 2 stays pending (no attempt counted) and is
            // not re-sent while version 1 retries or is dead. Its one early copy is the one that was
            // in flight in the same batch as version 1's first, refused, publish.
            await().atMost(Duration.ofSeconds(15)).until(() -> "dead".equals(TestOutbox.state(b.get(0)).status()));
            assertEquals("pending", TestOutbox.state(successor).status());
            assertEquals(0, TestOutbox.state(successor).attempts());
            assertTrue(consumer.forAggregates(Set.of(byId)).stream().filter(r -> r.version() == 2).count() <= 1,
                    "version 2 is not re-published while version 1 is retrying or dead");

            // The operator fixes the cause and requeues: one row by id, the other by event type.
            consumer.channel().queueDelete(rejectQueue);
            int deliveredBefore = consumer.forAggregates(Set.of(byId)).size();
            given().header("Authorization", BEARER).post("/admin/outbox/rows/" + poison + "/requeue")
                    .then().statusCode(200).body("requeued", equalTo(1));
            given().header("Authorization", BEARER).queryParam("eventType", poisonType)
                    .post("/admin/outbox/dead/requeue").then().statusCode(200).body("requeued", equalTo(1));
            await().atMost(Duration.ofSeconds(15)).until(() -> "dispatched".equals(TestOutbox.state(successor).status())
                    && "dispatched".equals(TestOutbox.state(b.get(0)).status()));
            assertEquals("dispatched", TestOutbox.state(poison).status());
            List<Long> afterRequeue = consumer.forAggregates(Set.of(byId)).subList(deliveredBefore,
                    consumer.forAggregates(Set.of(byId)).size()).stream().map(TestConsumer.Received::version).toList();
            assertEquals(List.of(1L, 2L), afterRequeue, "requeued row first, then its successor");
        }
    }

    @Test
    void anAggregateStuckBehindADeadRowDoesNotStarveTheOthers() throws Exception {
        String stuckQueue = "stuck-" + UUID.randomUUID();
        String otherQueue = "other-" + UUID.randomUUID();
        List<EventEnvelope> stuck = new ArrayList<>();
        for (long v = 1; v <= 250; v++) { // more successors than the test batch size (100)
            stuck.add(TestOutbox.checkIn(stuckQueue, v));
        }
        List<Long> stuckIds;
        try (Connection connection = TestOutbox.connect()) {
            connection.setAutoCommit(false);
            stuckIds = TestOutbox.append(connection, stuck);
            try (PreparedStatement kill = connection.prepareStatement(
                    "UPDATE outbox SET status = 'dead', attempts = 3, last_error = 'test' WHERE id = ?")) {
                kill.setLong(1, stuckIds.get(0));
                kill.executeUpdate();
            }
            connection.commit();
        }
        long other = TestOutbox.commit(List.of(TestOutbox.checkIn(otherQueue, 1))).get(0);
        await().atMost(Duration.ofSeconds(15)).until(() -> "dispatched".equals(TestOutbox.state(other).status()));
        assertEquals(249, TestOutbox.count("SELECT count(*) FROM outbox WHERE status = 'pending' AND aggregate_id = '"
                + stuckQueue + "'"), "the stuck aggregate's successors wait for the dead row");
        // Leave nothing dead behind for the requeue-by-type assertions of other tests.
        try (Connection connection = TestOutbox.connect();
             PreparedStatement drop = connection.prepareStatement("DELETE FROM outbox WHERE aggregate_id = ?")) {
            drop.setString(1, stuckQueue);
            drop.executeUpdate();
        }
    }

    @org.junit.jupiter.api.AfterEach
    void dropRejectQueues() throws Exception {
        // A reject queue left bound to the exchange would refuse every later PoisonProbe publish.
        try (TestConsumer consumer = new TestConsumer("no-such-key")) {
            for (String queue : createdRejectQueues) {
                consumer.channel().queueDelete(queue);
            }
        }
        createdRejectQueues.clear();
    }

    private final List<String> createdRejectQueues = new ArrayList<>();

    private static double metricValue(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
