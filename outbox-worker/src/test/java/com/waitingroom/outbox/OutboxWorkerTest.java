package com.waitingroom.outbox;

import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Routing;
import com.waitingroom.outbox.store.RelayStore;
import com.waitingroom.security.Roles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Black-box tests (HTTP, database, broker only) so they also run against the packaged app. */
@QuarkusTest
@QuarkusTestResource(OutboxTestInfra.class)
class OutboxWorkerTest {

    private static final String BEARER = TestIssuer.admin();

    /** The management interface (health, metrics, OpenAPI); the IT's packaged app has its own. */
    int managementPort() {
        return OutboxTestInfra.managementPort();
    }

    @Test
    void relaysARowPerTheWireContractAndMarksItDispatchedAfterTheConfirm() throws Exception {
        String queueId = "wire-" + UUID.randomUUID();
        // microseconds, as api-service stores them: the occurred-at header is whole milliseconds, rounded down
        EventEnvelope envelope = TestOutbox.checkIn(queueId, 1, lastMicrosecondOfASecond());
        try (TestConsumer consumer = new TestConsumer("#")) {
            long id = TestOutbox.commit(List.of(envelope)).get(0);
            TestConsumer.Received message = assertRelayedPerTheWireContract(consumer, envelope);
            assertArrayEquals(TestOutbox.CODEC.encode(envelope), message.body(),
                    "the body is the envelope's bytes as the codec wrote them, unchanged");

            await().atMost(Duration.ofSeconds(5)).until(() -> "dispatched".equals(TestOutbox.state(id).status()));
            assertEquals(0, TestOutbox.state(id).attempts());
        }
    }

    @Test
    void relaysARowOfAWriterFromBeforeV24PerTheSameContract() throws Exception {
        // no header columns: the relay reads causationId, schemaVersion and occurredAt from the envelope itself
        String queueId = "wire-old-" + UUID.randomUUID();
        EventEnvelope envelope = TestOutbox.checkIn(queueId, 1, lastMicrosecondOfASecond());
        try (TestConsumer consumer = new TestConsumer("#")) {
            long id = TestOutbox.commit(List.of(envelope), TestOutbox.Writer.BEFORE_V24).get(0);
            assertRelayedPerTheWireContract(consumer, envelope);
            await().atMost(Duration.ofSeconds(5)).until(() -> "dispatched".equals(TestOutbox.state(id).status()));
        }
    }

    @Test
    void aRowWhoseEnvelopeCannotBeReadIsDeadAtOnce() throws Exception {
        String queueId = "unreadable-" + UUID.randomUUID();
        EventEnvelope envelope = TestOutbox.checkIn(queueId, 1);
        long id;
        try (Connection connection = TestOutbox.connect()) {
            connection.setAutoCommit(false);
            id = TestOutbox.append(connection, List.of(envelope), TestOutbox.Writer.BEFORE_V24).get(0);
            try (PreparedStatement garble = connection.prepareStatement(
                    "UPDATE outbox SET envelope = '{\"eventId\": \"x\", \"payload\": {' WHERE id = ?")) {
                garble.setLong(1, id);
                garble.executeUpdate();
            }
            connection.commit();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> "dead".equals(TestOutbox.state(id).status()));
        TestOutbox.RowState dead = TestOutbox.state(id);
        assertEquals(1, dead.attempts(), "no retries: it can never be published");
        assertTrue(dead.lastError().startsWith("malformed envelope"), dead.lastError());
    }

    /** x.999999 s, in the past: rounding (instead of truncating) to milliseconds would be off by one. */
    private static Instant lastMicrosecondOfASecond() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minusNanos(1_000);
    }

    /** Waits for the one message of {@code envelope}'s aggregate and checks it against the wire contract. */
    private static TestConsumer.Received assertRelayedPerTheWireContract(TestConsumer consumer, EventEnvelope envelope) {
        String queueId = envelope.aggregateId();
        await().atMost(Duration.ofSeconds(15)).until(() -> consumer.forAggregates(Set.of(queueId)).size() == 1);
        TestConsumer.Received message = consumer.forAggregates(Set.of(queueId)).get(0);

        assertEquals("PatientCheckedIn", message.routingKey());
        assertEquals(envelope, TestOutbox.CODEC.decode(message.body()), "body is the envelope");
        assertEquals(2, message.properties().getDeliveryMode(), "persistent");
        assertEquals(Routing.CONTENT_TYPE, message.properties().getContentType());
        assertEquals(envelope.eventId().toString(), message.properties().getMessageId());
        assertEquals(envelope.correlationId(), message.properties().getCorrelationId());
        assertEquals("PatientCheckedIn", message.properties().getType());
        assertNotNull(message.properties().getTimestamp());
        Map<String, Object> headers = message.properties().getHeaders();
        assertEquals(queueId, headers.get(Routing.Headers.AGGREGATE_ID).toString());
        assertEquals(1L, ((Number) headers.get(Routing.Headers.AGGREGATE_VERSION)).longValue());
        assertEquals("PatientCheckedIn", headers.get(Routing.Headers.EVENT_TYPE).toString());
        assertEquals(envelope.schemaVersion(), ((Number) headers.get(Routing.Headers.SCHEMA_VERSION)).intValue());
        assertEquals(envelope.correlationId(), headers.get(Routing.Headers.CORRELATION_ID).toString());
        assertEquals(envelope.causationId(), headers.get(Routing.Headers.CAUSATION_ID).toString());
        assertEquals(envelope.occurredAt().toEpochMilli(),
                ((Number) headers.get(Routing.Headers.OCCURRED_AT)).longValue());
        long publishedAt = ((Number) headers.get(Routing.Headers.PUBLISHED_AT)).longValue();
        assertTrue(publishedAt >= envelope.occurredAt().toEpochMilli(), "published after it occurred");
        return message;
    }

    @Test
    void adminEndpointsRequireAnAdminToken() {
        given().get("/admin/outbox/counts").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer realm="))
                .body("code", equalTo("AUTHENTICATION_REQUIRED")).body("status", equalTo(401));
        given().header("Authorization", "Bearer wrong").get("/admin/outbox/counts").then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("INVALID_TOKEN"));
        given().header("Authorization", TestIssuer.bearer(Roles.VIEWER)).get("/admin/outbox/counts").then()
                .statusCode(403).contentType("application/problem+json").body("code", equalTo("ROLE_NOT_ALLOWED"));
        given().header("Authorization", BEARER).get("/admin/outbox/counts").then().statusCode(200);
        given().post("/admin/outbox/dead/requeue?eventType=X").then().statusCode(401);
    }

    @Test
    void countsRelayedRowsWhereverTheyAreKept() throws Exception {
        // the relay is on: nothing due may be relayed between the two counts
        await().atMost(Duration.ofSeconds(15)).until(() -> TestOutbox.count(
                "SELECT count(*) FROM outbox WHERE status = 'pending' AND next_attempt_at <= now()") == 0);
        long before = dispatchedCount();
        String queueId = "counted-" + UUID.randomUUID();
        try (Connection connection = TestOutbox.connect()) {
            connection.setAutoCommit(false);
            List<Long> ids = TestOutbox.append(connection, List.of(TestOutbox.checkIn(queueId, 1), TestOutbox.checkIn(queueId, 2)));
            // one marked in place, as a relay from before V23 did; one moved to the dispatched log, as the relay does now
            try (PreparedStatement mark = connection.prepareStatement(
                    "UPDATE outbox SET status = 'dispatched', dispatched_at = now() WHERE id = ?")) {
                mark.setLong(1, ids.get(0));
                mark.executeUpdate();
            }
            new RelayStore().markDispatched(connection, List.of(ids.get(1)));
            connection.commit();
        }
        assertEquals(before + 2, dispatchedCount());
    }

    private static long dispatchedCount() {
        return given().header("Authorization", BEARER).get("/admin/outbox/counts").then().statusCode(200)
                .extract().jsonPath().getLong("dispatched");
    }

    @Test
    void countsAndListsRowsWithFilters() throws Exception {
        String queueId = "admin-" + UUID.randomUUID();
        List<Long> ids;
        // Parked in the writing transaction itself (one dead, one backing off for an hour), so the
        // relay never sees them due.
        try (Connection connection = TestOutbox.connect()) {
            connection.setAutoCommit(false);
            ids = TestOutbox.append(connection, List.of(TestOutbox.checkIn(queueId, 1), TestOutbox.checkIn(queueId, 2)));
            try (PreparedStatement park = connection.prepareStatement("""
                    UPDATE outbox SET next_attempt_at = now() + interval '1 hour',
                           status = CASE WHEN id = ? THEN 'dead' ELSE 'pending' END,
                           attempts = CASE WHEN id = ? THEN 3 ELSE 1 END, last_error = 'test failure'
                    WHERE id = ANY (?)""")) {
                park.setLong(1, ids.get(0));
                park.setLong(2, ids.get(0));
                park.setArray(3, connection.createArrayOf("bigint", ids.toArray()));
                park.executeUpdate();
            }
            connection.commit();
        }
        given().header("Authorization", BEARER).get("/admin/outbox/counts").then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("pending", notNullValue()).body("dead", greaterThanOrEqualTo(1));
        given().header("Authorization", BEARER)
                .queryParam("status", "dead").queryParam("aggregateId", queueId)
                .get("/admin/outbox/rows").then().statusCode(200)
                .body("rows", hasSize(1))
                .body("rows[0].id", equalTo(ids.get(0).intValue()))
                .body("rows[0].status", equalTo("dead"))
                .body("rows[0].attempts", equalTo(3))
                .body("rows[0].lastError", equalTo("test failure"));
        given().header("Authorization", BEARER)
                .queryParam("status", "pending").queryParam("aggregateId", queueId)
                .queryParam("eventType", "PatientCheckedIn")
                .get("/admin/outbox/rows").then().statusCode(200)
                .body("rows.id", hasItem(ids.get(1).intValue()));
        given().header("Authorization", BEARER)
                .queryParam("status", "dead").queryParam("aggregateId", queueId).queryParam("eventType", "Other")
                .get("/admin/outbox/rows").then().statusCode(200).body("rows", hasSize(0));
    }

    @Test
    void badAdminInputIsAProblemNotA500() {
        given().header("Authorization", BEARER).queryParam("status", "weird").queryParam("limit", "abc")
                .get("/admin/outbox/rows").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"))
                .body("errors.field", hasItem("status"))
                .body("errors.field", hasItem("limit"));
        given().header("Authorization", BEARER).post("/admin/outbox/rows/abc/requeue").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("id"));
        given().header("Authorization", BEARER).post("/admin/outbox/rows/999999999/requeue").then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("OUTBOX_ROW_NOT_FOUND"));
        given().header("Authorization", BEARER).post("/admin/outbox/dead/requeue").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("eventType"));
    }

    @Test
    void requeueOfARowThatIsNotDeadIsAConflict() throws Exception {
        String queueId = "conflict-" + UUID.randomUUID();
        long id = TestOutbox.commit(List.of(TestOutbox.checkIn(queueId, 1))).get(0);
        await().atMost(Duration.ofSeconds(15)).until(() -> "dispatched".equals(TestOutbox.state(id).status()));
        given().header("Authorization", BEARER).post("/admin/outbox/rows/" + id + "/requeue").then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("OUTBOX_ROW_NOT_DEAD"));
    }

    @Test
    void healthAndMetricsAreExposedOnTheManagementPort() throws Exception {
        given().port(managementPort()).get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().port(managementPort()).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("outbox-postgresql")).body("checks.name", hasItem("outbox-rabbitmq"));
        given().port(managementPort()).get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        // Make sure at least one row went through so the counters and histograms have samples.
        String queueId = "metrics-" + UUID.randomUUID();
        long id = TestOutbox.commit(List.of(TestOutbox.checkIn(queueId, 1))).get(0);
        await().atMost(Duration.ofSeconds(15)).until(() -> "dispatched".equals(TestOutbox.state(id).status()));
        String metrics = given().port(managementPort()).get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("outbox_pending ", "outbox_dead ", "outbox_oldest_pending_age_seconds ",
                "outbox_dispatched_total ", "outbox_publish_failures_total ", "outbox_dead_transitions_total ",
                "outbox_publish_latency_seconds_bucket", "outbox_commit_to_publish_lag_seconds_bucket")) {
            assertTrue(metrics.contains(name), "metric " + name.trim() + " missing from /q/metrics");
        }
    }

    @Test
    void echoesTheCorrelationIdOnTheHttpApi() {
        given().header("Authorization", BEARER).header("X-Correlation-Id", "xyz").get("/admin/outbox/counts").then()
                .header("X-Correlation-Id", equalTo("xyz"));
        given().header("Authorization", BEARER).get("/admin/outbox/counts").then().statusCode(200)
                .header("X-Correlation-Id", notNullValue());
    }
}
