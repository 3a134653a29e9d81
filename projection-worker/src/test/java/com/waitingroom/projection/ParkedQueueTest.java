package com.waitingroom.projection;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.projection.messaging.ConsumerLifecycle;
import com.waitingroom.projection.store.EventApplyException;
import com.waitingroom.projection.store.IncomingEvent;
import com.waitingroom.projection.store.LiveProjection;
import com.waitingroom.testsupport.LocalInfra;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static com.waitingroom.projection.Api.admin;
import static com.waitingroom.projection.Api.management;
import static com.waitingroom.projection.Api.staff;
import static com.waitingroom.projection.Api.viewer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No silent freeze: a projector failure on one event parks that event's queue only (other queues
 * keep flowing), names the event, is visible in health, metrics and the admin API, loses and
 * dead-letters nothing, and after a fix the queue resumes (admin call, or the start path) without
 * applying anything twice. Events are published as real messages through the service's consumer.
 */
@QuarkusTest
class ParkedQueueTest {

    private static final String PARKED_QUEUES = "/api/projections/waiting-rooms/parked-queues";

    static TestEvents events;

    @Inject
    ConsumerLifecycle lifecycle;
    @Inject
    LiveProjection projection;

    @BeforeAll
    static void connect() throws Exception {
        events = new TestEvents();
        try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             Statement statement = db.createStatement()) {
            // Every application of a parked-test event, even one ON CONFLICT would then drop.
            statement.execute("CREATE TABLE IF NOT EXISTS public.test_parked_applications (seq BIGSERIAL PRIMARY KEY,"
                    + " aggregate_id TEXT NOT NULL, version BIGINT NOT NULL)");
            statement.execute("CREATE OR REPLACE FUNCTION public.test_record_parked_application() RETURNS trigger"
                    + " LANGUAGE plpgsql AS $$ BEGIN IF NEW.aggregate_id LIKE 'parktest-%' THEN"
                    + " INSERT INTO public.test_parked_applications (aggregate_id, version)"
                    + " VALUES (NEW.aggregate_id, NEW.version); END IF; RETURN NEW; END $$");
            statement.execute("DROP TRIGGER IF EXISTS test_parked_spy ON projection.applied_events");
            statement.execute("CREATE TRIGGER test_parked_spy BEFORE INSERT ON projection.applied_events"
                    + " FOR EACH ROW EXECUTE FUNCTION public.test_record_parked_application()");
        }
    }

    @AfterAll
    static void disconnect() throws Exception {
        events.close();
        try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             Statement statement = db.createStatement()) {
            statement.execute("DROP TRIGGER IF EXISTS test_parked_spy ON projection.applied_events");
            statement.execute("DROP TRIGGER IF EXISTS test_simulated_bug ON projection.patients");
        }
    }

    @Test
    void aProjectorFailureParksItsQueueOnlyAndAnAdminResumeAfterTheFixAppliesEverythingOnce() throws Exception {
        String a = TestEvents.newQueueId("parktest-poison");
        TestEvents.Stream poisoned = new TestEvents.Stream(a).created()
                .checkIn("P-1", "Ana", Priority.LOW).checkIn("P-2", "Bruno", Priority.HIGH);
        TestEvents.Stream bystander = new TestEvents.Stream(TestEvents.newQueueId("parktest-bystander")).created()
                .checkIn("P-1", "Carla", Priority.MEDIUM).checkIn("P-2", "Dario", Priority.LOW)
                .checkIn("P-3", "Eva", Priority.URGENT).checkIn("P-4", "Fabio", Priority.HIGH);
        TestEvents.store(poisoned.events); // the store is the truth the queue must catch up to
        TestEvents.store(bystander.events);
        events.publishAll(poisoned.events);
        events.publish(bystander.version(1));
        awaitVersion(a, 3);
        // A read model damaged by an old handler bug: P-1's row is gone, so to the projector the next
        // event about P-1 names a patient who never checked in (the event store stays consistent).
        try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE public.\"saved-" + a + "\" AS SELECT * FROM projection.patients"
                    + " WHERE queue_id = '" + a + "' AND patient_id = 'P-1'");
            statement.execute("DELETE FROM projection.patients WHERE queue_id = '" + a + "' AND patient_id = 'P-1'");
        }
        poisoned.add(new PatientCalledAtCashier(a, "P-1", "D-1")) // v4: the projector rejects it
                .checkIn("P-3", "Gina", Priority.LOW)
                .add(new PatientCalledAtCashier(a, "P-2", "D-2"));
        TestEvents.store(poisoned.events.subList(3, 6));
        Instant before = Instant.now().minusSeconds(1);
        for (int v = 4; v <= 6; v++) { // interleaved on the wire as concurrent commands would be
            events.publish(poisoned.version(v));
            events.publish(bystander.version(v - 2));
        }
        events.publish(bystander.version(5));

        awaitVersion(bystander.queueId, 5); // the other queue keeps flowing
        Map<String, Object> parked = awaitParked(a);
        EventEnvelope poison = poisoned.version(4);
        assertEquals(poison.eventId().toString(), text(parked, "eventId"));
        assertEquals(4, number(parked, "version"));
        assertEquals("PatientCalledAtCashier", text(parked, "eventType"));
        assertTrue(text(parked, "error").contains("'P-1' who never checked in"), text(parked, "error"));
        assertEquals(3, number(parked, "attempts"), "PROJECTION_MAX_ATTEMPTS attempts before parking");
        Instant firstFailedAt = Instant.parse(text(parked, "firstFailedAt"));
        assertTrue(firstFailedAt.isAfter(before), firstFailedAt::toString);
        assertEquals(3, version(a), "nothing from the failing event on is applied");
        // The failing event and every later one are stored, their messages acked, none dead-lettered.
        await().atMost(Duration.ofSeconds(20)).until(() -> parkedEventsOf(a) == 3);
        assertBrokerHoldsNothingOf(poisoned);
        assertDegradedListing(a);
        assertEquals("1.0", parkedGauge(a));
        assertTrue(Double.parseDouble(metric("projection_parked_queues")) >= 1);
        viewer().get("/api/projections").then().body("[0].parkedQueues", equalTo(1))
                .body("[0].lastError", containsString(a));

        // While parked, new events are kept (no gap filling from the store, which would re-run v4).
        poisoned.checkIn("P-4", "Hugo", Priority.MEDIUM);
        TestEvents.store(List.of(poisoned.version(7)));
        events.publish(poisoned.version(7));
        await().atMost(Duration.ofSeconds(20)).until(() -> parkedEventsOf(a) == 4);
        assertEquals(3, version(a));

        // Resuming without a fix parks it again: one more attempt, the first failure time kept.
        admin().post(PARKED_QUEUES + "/{q}/resume", a).then().statusCode(200)
                .body("queueId", equalTo(a)).body("outcome", equalTo("PARKED"))
                .body("error", containsString("'P-1' who never checked in"));
        Map<String, Object> again = parkedEntry(a);
        assertNotNull(again);
        assertEquals(4, number(again, "attempts"));
        assertEquals(firstFailedAt, Instant.parse(text(again, "firstFailedAt")));
        assertTrue(Instant.parse(text(again, "lastAttemptAt")).isAfter(firstFailedAt));
        assertEquals(3, version(a));

        // "Deploy the fix": the damaged row is restored.
        try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             Statement statement = db.createStatement()) {
            statement.execute("INSERT INTO projection.patients SELECT * FROM public.\"saved-" + a + "\"");
            statement.execute("DROP TABLE public.\"saved-" + a + "\"");
        }
        admin().post(PARKED_QUEUES + "/{q}/resume", a).then().statusCode(200)
                .body("outcome", equalTo("RESUMED")).body("applied", equalTo(4));

        assertEquals(7, version(a), "caught up with its store version");
        assertAppliedOnceInOrder(a, 7);
        assertEquals(0, parkedEventsOf(a));
        staff().get("/api/waiting-rooms/{q}/patients/P-1/trajectory", a).then().statusCode(200)
                .body("state", equalTo("AtCashier")); // moved by the parked event
        assertHealthy(a);
        admin().post(PARKED_QUEUES + "/{q}/resume", a).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("QUEUE_NOT_PARKED"));
    }

    @Test
    void aWriteFailureNamesTheLowestVersionAndTheStartPathResumesAfterTheFix() throws Exception {
        String c = TestEvents.newQueueId("parktest-write");
        String poisonName = "Poison " + c;
        TestEvents.Stream broken = new TestEvents.Stream(c).created()
                .checkIn("P-1", poisonName, Priority.LOW)   // v2: its row cannot be written
                .checkIn("P-2", "Bruno", Priority.LOW);     // v3
        TestEvents.Stream bystander = new TestEvents.Stream(TestEvents.newQueueId("parktest-flowing")).created()
                .checkIn("P-1", "Carla", Priority.MEDIUM);
        TestEvents.store(broken.events);
        try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             Statement statement = db.createStatement()) {
            // A deterministic write failure, as a NOT NULL column left unset by a handler would be.
            statement.execute("CREATE OR REPLACE FUNCTION public.test_simulated_bug() RETURNS trigger LANGUAGE plpgsql"
                    + " AS $$ BEGIN IF NEW.patient_name LIKE 'Poison %' THEN RAISE EXCEPTION"
                    + " 'simulated handler bug for %', NEW.patient_name; END IF; RETURN NEW; END $$");
            statement.execute("DROP TRIGGER IF EXISTS test_simulated_bug ON projection.patients");
            statement.execute("CREATE TRIGGER test_simulated_bug BEFORE INSERT OR UPDATE ON projection.patients"
                    + " FOR EACH ROW EXECUTE FUNCTION public.test_simulated_bug()");
        }
        events.publish(broken.version(1));
        awaitVersion(c, 1);
        // v2 is "in flight": v3's delivery fills it from the event store, and v2 is the one that fails.
        events.publish(broken.version(3));
        events.publishAll(bystander.events);

        awaitVersion(bystander.queueId, 2);
        Map<String, Object> parked = awaitParked(c);
        assertEquals(broken.version(2).eventId().toString(), text(parked, "eventId"));
        assertEquals(2, number(parked, "version"));
        assertEquals("PatientCheckedIn", text(parked, "eventType"));
        assertTrue(text(parked, "error").contains("simulated handler bug"), text(parked, "error"));
        await().atMost(Duration.ofSeconds(20)).until(() -> parkedEventsOf(c) == 2); // v2 (from the store) and v3
        assertEquals(1, version(c));
        assertBrokerHoldsNothingOf(broken);
        assertDegradedListing(c);

        // Late delivery of v2 is kept too (the queue is parked), not applied.
        events.publish(broken.version(2));
        Thread.sleep(500);
        assertEquals(1, version(c));

        try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             Statement statement = db.createStatement()) {
            statement.execute("DROP TRIGGER test_simulated_bug ON projection.patients"); // the fix is deployed
        }
        lifecycle.restart(); // what a restart of the worker runs: resume every parked queue, then consume
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> management().get("/q/health/ready").then().statusCode(200));

        assertEquals(3, version(c));
        assertAppliedOnceInOrder(c, 3);
        assertEquals(0, parkedEventsOf(c));
        assertHealthy(c);
        staff().get("/api/waiting-rooms/{q}/patients/P-1/trajectory", c).then().statusCode(200)
                .body("state", equalTo("WaitingForCashier"));
    }

    @Test
    void parkedQueueEndpointsRequireRoleAdmin() {
        given().get(PARKED_QUEUES).then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer")).body("code", equalTo("AUTHENTICATION_REQUIRED"));
        given().header("Authorization", "Bearer wrong").post(PARKED_QUEUES + "/resume").then().statusCode(401)
                .body("code", equalTo("INVALID_TOKEN"));
        given().post(PARKED_QUEUES + "/{q}/resume", "any").then().statusCode(401);
        viewer().get(PARKED_QUEUES).then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("ROLE_NOT_ALLOWED"));
        viewer().post(PARKED_QUEUES + "/resume").then().statusCode(403);
        viewer().post(PARKED_QUEUES + "/{q}/resume", "any").then().statusCode(403);
        admin().get("/api/projections/no-such/parked-queues").then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("PROJECTION_NOT_FOUND"));
        admin().post(PARKED_QUEUES + "/{q}/resume", "never-parked").then()
                .statusCode(404).body("code", equalTo("QUEUE_NOT_PARKED"));
        admin().get(PARKED_QUEUES).then().statusCode(200);
        admin().post(PARKED_QUEUES + "/resume").then().statusCode(200);
    }

    // --- helpers ---

    @Test
    void aFailureOfAnEventAppliedMeanwhileParksNothing() throws Exception {
        String q = TestEvents.newQueueId("parktest-race");
        TestEvents.Stream stream = new TestEvents.Stream(q).created().checkIn("P-1", "Ana", Priority.LOW);
        TestEvents.store(stream.events);
        events.publishAll(stream.events);
        awaitVersion(q, 2);
        // The consumer gave up on v2 just as a resume (or another replica) applied it: parking now
        // would freeze a healthy queue.
        EventEnvelope late = stream.version(2);
        IncomingEvent failing = new IncomingEvent(late, EventCodec.standard().payloadOf(late), null);
        projection.park(new EventApplyException(failing, new IllegalStateException("late failure")), 3, failing);

        assertFalse(projection.parkedQueueIds().contains(q), "an applied event must not park its queue");
        assertEquals(0, parkedEventsOf(q));
        assertEquals(2, version(q));
    }

    static long version(String queueId) {
        return ConsumptionTest.version(queueId);
    }

    static void awaitVersion(String queueId, long version) {
        ConsumptionTest.awaitVersion(queueId, version);
    }

    private static Map<String, Object> awaitParked(String queueId) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> parkedEntry(queueId) != null);
        return parkedEntry(queueId);
    }

    /** The queue's entry in the admin list, or null. */
    private static Map<String, Object> parkedEntry(String queueId) {
        List<Map<String, Object>> list = admin().get(PARKED_QUEUES).then()
                .statusCode(200).extract().jsonPath().getList("$");
        return list.stream().filter(entry -> queueId.equals(entry.get("queueId"))).findFirst().orElse(null);
    }

    private static long number(Map<String, Object> entry, String field) {
        return ((Number) entry.get(field)).longValue();
    }

    private static String text(Map<String, Object> entry, String field) {
        return (String) entry.get(field);
    }

    private static void assertDegradedListing(String queueId) {
        management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'projection-parked-queues' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'projection-parked-queues' }.data.status", equalTo("DEGRADED"))
                .body("checks.find { it.name == 'projection-parked-queues' }.data.parkedQueues", hasItem(queueId));
    }

    private static void assertHealthy(String queueId) {
        assertEquals(null, parkedEntry(queueId));
        management().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'projection-parked-queues' }.data.status", equalTo("OK"))
                .body("checks.find { it.name == 'projection-parked-queues' }.data.parkedQueues", not(hasItem(queueId)));
        assertEquals(null, parkedGauge(queueId), "the queue's gauge is removed once resumed");
        assertEquals("0.0", metric("projection_parked_queues"));
        viewer().get("/api/projections").then().body("[0].parkedQueues", equalTo(0));
    }

    /** Nothing of the stream waits in the broker or was dead-lettered: every message was acked. */
    private static void assertBrokerHoldsNothingOf(TestEvents.Stream stream) throws Exception {
        Set<String> ids = new HashSet<>();
        stream.events.forEach(e -> ids.add(e.eventId().toString()));
        try (Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    channel.queueDeclarePassive(ProjectionTestInfra.QUEUE).getMessageCount() == 0);
            List<GetResponse> requeue = new ArrayList<>();
            GetResponse message;
            while ((message = channel.basicGet(ProjectionTestInfra.QUEUE + ".dlq", false)) != null) {
                assertFalse(ids.contains(message.getProps().getMessageId()),
                        "dead-lettered " + message.getProps().getMessageId());
                requeue.add(message);
            }
            for (GetResponse kept : requeue) {
                channel.basicNack(kept.getEnvelope().getDeliveryTag(), false, true);
            }
        }
    }

    /** Each version applied exactly once, in order (the spy sees even inserts ON CONFLICT drops). */
    private static void assertAppliedOnceInOrder(String queueId, int lastVersion) throws Exception {
        List<Long> applied = new ArrayList<>();
        long steps;
        try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE)) {
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT version FROM public.test_parked_applications WHERE aggregate_id = ? ORDER BY seq")) {
                s.setString(1, queueId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        applied.add(rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement s = db.prepareStatement("SELECT count(*) FROM projection.patient_steps WHERE queue_id = ?")) {
                s.setString(1, queueId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    steps = rs.getLong(1);
                }
            }
        }
        assertEquals(LongStream.rangeClosed(1, lastVersion).boxed().toList(), applied, queueId);
        assertEquals(lastVersion - 1, steps, "one trajectory step per patient event");
    }

    private static long parkedEventsOf(String queueId) throws Exception {
        return ConsumptionTest.parkedCount(queueId);
    }

    /** The value of projection_queue_parked for the queue, or null when the series does not exist. */
    private static String parkedGauge(String queueId) {
        return metric("projection_queue_parked{queue=\"" + queueId + "\"}");
    }

    private static String metric(String series) {
        for (String line : management().get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(series + " ")) {
                return line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        return null;
    }
}
