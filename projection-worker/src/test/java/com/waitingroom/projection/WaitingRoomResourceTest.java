package com.waitingroom.projection;

import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.PatientAttentionCompleted;
import com.waitingroom.kernel.events.PatientCalled;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientClaimedForAttention;
import com.waitingroom.kernel.events.PatientConsultationStarted;
import com.waitingroom.kernel.events.PatientLeft;
import com.waitingroom.security.Roles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.DisabledOnIntegrationTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.waitingroom.projection.Api.management;
import static com.waitingroom.projection.Api.staff;
import static com.waitingroom.projection.Api.viewer;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The query API end to end: events published to RabbitMQ, read models in PostgreSQL, HTTP views. */
@QuarkusTest
@QuarkusTestResource(value = ProjectionTestInfra.class, restrictToAnnotatedClass = false)
class WaitingRoomResourceTest extends PublishingTest {

    static void awaitVersion(String queueId, long version) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
                viewer().get("/api/waiting-rooms/{q}/queue", queueId).then().extract().statusCode() == 200
                        && viewer().get("/api/waiting-rooms/{q}/queue", queueId).then().extract().jsonPath()
                        .getLong("version") >= version);
    }

    @Test
    void waitingPatientsAreOrderedByPriorityThenLineSequence() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("order")).created()
                .checkIn("P-1", "Ana", Priority.LOW)
                .checkIn("P-2", "Bruno", Priority.URGENT)
                .checkIn("P-3", "Carla", Priority.HIGH)
                .checkIn("P-4", "Dario", Priority.URGENT);
        events.publishAll(stream.events);
        awaitVersion(stream.queueId, 5);

        viewer().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(200)
                .body("queueId", equalTo(stream.queueId))
                .body("cashierLine.patientId", contains("P-2", "P-4", "P-3", "P-1"))
                .body("cashierLine.position", contains(1, 2, 3, 4))
                .body("cashierLine.priority", contains("Urgent", "Urgent", "High", "Low"))
                .body("cashierLine[0].patientName", nullValue()) // a screen's viewer token: no names
                .body("cashierLine[0].ticketNumber", equalTo("002"))
                .body("cashierLine[0].state", equalTo("WaitingForCashier"))
                .body("cashierLine[0].consultationType", equalTo("General"))
                .body("cashierLine[0].checkedInAt", equalTo(stream.version(3).occurredAt().toString()))
                .body("cashierLine[0].waitSeconds", notNullValue())
                .body("consultationLine", hasSize(0)).body("paymentPending", hasSize(0));
        staff().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(200)
                .body("cashierLine[0].patientName", equalTo("Bruno"));
        staff().get("/api/waiting-rooms/{q}/next-turn", stream.queueId).then().statusCode(200)
                .body("nextForCashier.patientName", equalTo("Bruno"));
        viewer().get("/api/waiting-rooms/{q}/next-turn", stream.queueId).then().statusCode(200)
                .body("nextForCashier.patientName", nullValue()).body("nextForCashier.ticketNumber", equalTo("002"));
    }

    /** The @QuarkusTest app runs on {@link FixedClock}; the packaged app (IT) on the system clock. */
    @Test
    @DisabledOnIntegrationTest
    void waitSecondsAreMeasuredOnTheInjectedClock() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("clock"),
                FixedClock.NOW.minusSeconds(754).minusMillis(300)).created()
                .checkIn("P-1", "Ana", Priority.HIGH);
        events.publishAll(stream.events);
        awaitVersion(stream.queueId, 2);
        Duration waited = Duration.between(stream.version(2).occurredAt(), FixedClock.NOW);

        viewer().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(200)
                .body("cashierLine[0].waitSeconds", equalTo((int) waited.getSeconds()));
        viewer().get("/api/waiting-rooms/{q}/next-turn", stream.queueId).then().statusCode(200)
                .body("nextForCashier.waitSeconds", equalTo((int) waited.getSeconds()));
        var monitor = viewer().get("/api/waiting-rooms/{q}/monitor", stream.queueId).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(waited.getSeconds(), monitor.getLong("maxWaitSeconds"));
        assertEquals(Math.round(waited.toMillis() / 100.0) / 10.0, monitor.getDouble("averageWaitSeconds"), 1e-9);
    }

    @Test
    void unknownQueueIsA404Problem() {
        viewer().get("/api/waiting-rooms/{q}/queue", "no-such-queue").then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404)).body("code", equalTo("QUEUE_NOT_FOUND"))
                .body("detail", containsString("no-such-queue"));
        viewer().get("/api/waiting-rooms/{q}/monitor", "no-such-queue").then().statusCode(404);
        viewer().get("/api/waiting-rooms/{q}/next-turn", "no-such-queue").then().statusCode(404);
        staff().get("/api/waiting-rooms/{q}/history", "no-such-queue").then().statusCode(404);
    }

    @Test
    void redeliveredEventsChangeNothing() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("dup")).created()
                .checkIn("P-1", "Ana", Priority.MEDIUM)
                .checkIn("P-2", "Bruno", Priority.MEDIUM);
        events.publishAll(stream.events);
        events.publishAll(stream.events);
        events.publish(stream.version(2));
        stream.add(new PatientCalledAtCashier(stream.queueId, "P-1", "D-1"));
        events.publish(stream.version(4));
        awaitVersion(stream.queueId, 4);
        events.publish(stream.version(4));
        events.publish(stream.version(2));
        // A marker event behind the duplicates proves they were consumed before we look.
        stream.add(new PatientCalledAtCashier(stream.queueId, "P-2", "D-2"));
        events.publish(stream.version(5));
        awaitVersion(stream.queueId, 5);

        staff().get("/api/waiting-rooms/{q}/patients/P-1/trajectory", stream.queueId).then().statusCode(200)
                .body("visits[0].steps.eventType", contains("PatientCheckedIn", "PatientCalledAtCashier"))
                .body("state", equalTo("AtCashier"));
        viewer().get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(200)
                .body("cashierLine", hasSize(0));
        viewer().get("/api/waiting-rooms/{q}/monitor", stream.queueId).then().statusCode(200)
                .body("atCashier", equalTo(2)).body("waitingTotal", equalTo(0));
    }

    @Test
    void etagAllowsCheapPolling() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("etag")).created()
                .checkIn("P-1", "Ana", Priority.HIGH);
        events.publishAll(stream.events);
        awaitVersion(stream.queueId, 2);

        Response first = viewer().get("/api/waiting-rooms/{q}/queue", stream.queueId);
        first.then().statusCode(200).header("Cache-Control", equalTo("no-cache"));
        String etag = first.header("ETag");
        viewer().header("If-None-Match", etag).get("/api/waiting-rooms/{q}/queue", stream.queueId)
                .then().statusCode(304).header("ETag", equalTo(etag));

        stream.checkIn("P-2", "Bruno", Priority.LOW);
        events.publish(stream.version(3));
        awaitVersion(stream.queueId, 3);
        Response changed = viewer().header("If-None-Match", etag).get("/api/waiting-rooms/{q}/queue", stream.queueId);
        changed.then().statusCode(200).body("cashierLine", hasSize(2));
        org.junit.jupiter.api.Assertions.assertNotEquals(etag, changed.header("ETag"));
    }

    @Test
    void fullVisitFeedsDisplayHistoryMonitorAndTrajectory() throws Exception {
        String q = TestEvents.newQueueId("visit");
        TestEvents.Stream stream = new TestEvents.Stream(q).created()
                .add(new ConsultingRoomActivated(q, "R-1"))
                .checkIn("P-1", "Ana", Priority.HIGH)
                .checkIn("P-2", "Bruno", Priority.LOW)
                .add(new PatientCalledAtCashier(q, "P-1", "D-1"))
                .paymentValidated("P-1", "PAY-1")
                .add(new PatientClaimedForAttention(q, "P-1", "R-1"))
                .add(new PatientCalled(q, "P-1", "R-1"));
        events.publishAll(stream.events);
        awaitVersion(q, 8);

        staff().get("/api/waiting-rooms/{q}/next-turn", q).then().statusCode(200)
                .body("rooms[0].stationId", equalTo("R-1"))
                .body("rooms[0].state", equalTo("Calling"))
                .body("rooms[0].patientName", equalTo("Ana"))
                .body("cashierDesks[0].state", equalTo("Idle"))
                .body("nextForCashier.patientId", equalTo("P-2"))
                .body("nextForConsultation", nullValue());

        stream.add(new PatientConsultationStarted(q, "P-1", "R-1"))
                .add(new PatientAttentionCompleted(q, "P-1", "R-1", "Attended", "all good"));
        events.publish(stream.version(9));
        events.publish(stream.version(10));
        awaitVersion(q, 10);

        staff().get("/api/waiting-rooms/{q}/history", q).then().statusCode(200)
                .body("attentions.patientId", contains("P-1"))
                .body("attentions[0].outcome", equalTo("Attended"))
                .body("attentions[0].finishedAt", equalTo(stream.version(10).occurredAt().toString()));
        viewer().get("/api/waiting-rooms/{q}/monitor", q).then().statusCode(200)
                .body("completed", equalTo(1)).body("activeRooms", equalTo(1))
                .body("waitingByPriority.Low", equalTo(1)).body("waitingTotal", equalTo(1))
                .body("maxCapacity", equalTo(50));
        staff().get("/api/waiting-rooms/{q}/patients/P-1/trajectory", q).then().statusCode(200)
                .body("visit", equalTo(1)).body("visits.visit", contains(1))
                .body("visits[0].steps.eventType", contains("PatientCheckedIn", "PatientCalledAtCashier",
                        "PatientPaymentValidated", "PatientClaimedForAttention", "PatientCalled",
                        "PatientConsultationStarted", "PatientAttentionCompleted"))
                .body("visits[0].steps[6].state", equalTo("Completed"));
        viewer().get("/api/waiting-rooms/{q}/next-turn", q).then().statusCode(200)
                .body("rooms[0].state", equalTo("Idle")).body("rooms[0].patientId", nullValue());
    }

    @Test
    void historyAndTrajectoryShowWhoDidEachStep() throws Exception {
        String q = TestEvents.newQueueId("audit");
        TestEvents.Stream stream = new TestEvents.Stream(q).by("admin-1", Roles.ADMIN).created()
                .by("doctor-ines", Roles.DOCTOR).add(new ConsultingRoomActivated(q, "R-1"))
                .by("reception-ana", Roles.RECEPTIONIST).checkIn("P-1", "Ana", Priority.HIGH)
                .by("legacy-desk", null).checkIn("P-2", "Bruno", Priority.LOW) // recorded before access control
                .by("cashier-carl", Roles.CASHIER).add(new PatientCalledAtCashier(q, "P-1", "D-1"))
                .paymentValidated("P-1", "PAY-1")
                .by("doctor-ines", Roles.DOCTOR).add(new PatientClaimedForAttention(q, "P-1", "R-1"))
                .add(new PatientCalled(q, "P-1", "R-1"))
                .add(new PatientConsultationStarted(q, "P-1", "R-1"))
                .by("admin-1", Roles.ADMIN).add(new PatientAttentionCompleted(q, "P-1", "R-1", "Attended", null));
        events.publishAll(stream.events);
        awaitVersion(q, stream.events.size());

        staff().get("/api/waiting-rooms/{q}/patients/P-1/trajectory", q).then().statusCode(200)
                .body("visits[0].steps.actor", contains("reception-ana", "cashier-carl", "cashier-carl",
                        "doctor-ines", "doctor-ines", "doctor-ines", "admin-1"))
                .body("visits[0].steps.actorRole", contains(Roles.RECEPTIONIST, Roles.CASHIER, Roles.CASHIER,
                        Roles.DOCTOR, Roles.DOCTOR, Roles.DOCTOR, Roles.ADMIN));
        staff().get("/api/waiting-rooms/{q}/patients/P-2/trajectory", q).then().statusCode(200)
                .body("visits[0].steps[0].actor", equalTo("legacy-desk"))
                .body("visits[0].steps[0].actorRole", nullValue());
        staff().get("/api/waiting-rooms/{q}/history", q).then().statusCode(200)
                .body("attentions.patientId", contains("P-1"))
                .body("attentions[0].actor", equalTo("admin-1"))
                .body("attentions[0].actorRole", equalTo(Roles.ADMIN));

        // A patient whose visit ended without a recorded actor: null, not another step's actor.
        stream.by(null, null).add(new PatientLeft(q, "P-2", "tired"));
        events.publish(stream.version(stream.events.size()));
        awaitVersion(q, stream.events.size());
        staff().get("/api/waiting-rooms/{q}/history", q).then().statusCode(200)
                .body("attentions.patientId", contains("P-2", "P-1"))
                .body("attentions[0].actor", nullValue()).body("attentions[0].actorRole", nullValue())
                .body("attentions[1].actor", equalTo("admin-1"));
    }

    @Test
    void badInputIsA4xxProblem() {
        staff().get("/api/waiting-rooms/{q}/history?limit=abc", "any").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        staff().get("/api/waiting-rooms/{q}/history?limit=0", "any").then().statusCode(400);
        staff().get("/api/waiting-rooms/{q}/patients/{p}/trajectory", "no-such-queue", "P-1").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void healthAndMetricsAreServed() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
        management().get("/q/health/live").then().statusCode(200);
        management().get("/q/health/started").then().statusCode(200);
        management().get("/q/metrics").then().statusCode(200)
                .body(containsString("projection_events_applied_total"))
                .body(containsString("projection_dead_letters_total"))
                .body(containsString("projection_lag_seconds_bucket{stage=\"total\""))
                .body(containsString("projection_lag_seconds_bucket{stage=\"publish_to_apply\""))
                .body(containsString("projection_lag_seconds_bucket{stage=\"outbox_to_publish\""))
                .body(containsString("projection_last_applied_timestamp_seconds"));
    }

    @Test
    void correlationIdIsEchoed() {
        viewer().header("X-Correlation-Id", "abc-123").get("/api/waiting-rooms/{q}/queue", "x").then()
                .header("X-Correlation-Id", equalTo("abc-123"));
        viewer().get("/api/waiting-rooms/{q}/queue", "x").then().header("X-Correlation-Id", notNullValue());
    }
}
