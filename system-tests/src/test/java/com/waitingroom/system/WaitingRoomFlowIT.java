package com.waitingroom.system;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The walking skeleton end to end: a check-in accepted by api-service is relayed by
 * outbox-worker through RabbitMQ and shows up in projection-worker's queue view; and nothing
 * acknowledged is lost when the workers crash (SIGKILL) and come back.
 */
class WaitingRoomFlowIT extends SuiteTest {

    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(15);
    @Test
    void checkInsShowUpInTheProjectedQueueInPriorityOrder() {
        String queueId = "E2E-" + shortId();
        String correlationId = "corr-" + shortId();

        long started = System.nanoTime();
        checkIn(queueId, "P-LOW", "Low", correlationId);
        checkIn(queueId, "P-URGENT", "Urgent", correlationId);
        checkIn(queueId, "P-MEDIUM", "Medium", correlationId);

        awaitOrExplain(() -> patientIdsInProjection(queueId).size() == 3);
        System.out.printf("system test: 3 check-ins visible in the projection %d ms after the first POST%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());

        assertEquals(List.of("P-URGENT", "P-MEDIUM", "P-LOW"), patientIdsInProjection(queueId));
        JsonPath events = given().header("Authorization", suite.bearer("receptionist"))
                .get(suite.api.baseUrl() + "/api/waiting-rooms/{q}/events", queueId)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("WaitingQueueCreated", "PatientCheckedIn", "PatientCheckedIn", "PatientCheckedIn"),
                eventTypes(events));
        assertEquals(List.of(correlationId, correlationId, correlationId, correlationId),
                field(events, "correlationId"));
    }

    @Test
    void noAcknowledgedCheckInIsLostWhenBothWorkersAreKilled() throws Exception {
        String queueId = "CRASH-" + shortId();
        suite.outbox.kill();
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String patientId = "P-" + i;
            checkIn(queueId, patientId, "Medium", null);
            acknowledged.add(patientId);
            if (i == 9) {
                suite.projection.kill();
            }
        }
        // Both workers come back; everything the API acknowledged must arrive, exactly once.
        suite.outbox.start();
        suite.projection.start();
        suite.outbox.awaitReady(Suite.START_TIMEOUT);
        suite.projection.awaitReady(Suite.START_TIMEOUT);

        awaitOrExplain(() -> patientIdsInProjection(queueId).size() == acknowledged.size());
        assertEquals(acknowledged, patientIdsInProjection(queueId), "same priority: check-in order");
    }

    private static void checkIn(String queueId, String patientId, String priority, String correlationId) {
        var request = given().header("Authorization", suite.bearer("receptionist")).contentType(ContentType.JSON)
                .body(Map.of("patientId", patientId, "patientName", "Patient " + patientId,
                        "priority", priority, "consultationType", "General"));
        if (correlationId != null) {
            request.header("X-Correlation-Id", correlationId);
        }
        request.post(suite.api.baseUrl() + "/api/waiting-rooms/{q}/check-ins", queueId)
                .then().statusCode(201).body("patientId", equalTo(patientId));
    }

    private static List<String> patientIdsInProjection(String queueId) {
        var response = given().header("Authorization", suite.bearer("viewer"))
                .get(suite.projection.baseUrl() + "/api/waiting-rooms/{q}/queue", queueId);
        if (response.statusCode() == 404) {
            return List.of();
        }
        response.then().statusCode(200);
        return response.jsonPath().getList("cashierLine.patientId", String.class);
    }

    private static List<String> eventTypes(JsonPath events) {
        return field(events, "eventType");
    }

    /** The events endpoint may answer a bare array or an object with an `events` array. */
    private static List<String> field(JsonPath events, String name) {
        Object root = events.get("$");
        String path = root instanceof List ? name : "events." + name;
        return events.getList(path, String.class);
    }

    private static void awaitOrExplain(Callable<Boolean> condition) {
        try {
            await().atMost(VISIBLE_WITHIN).pollInterval(Duration.ofMillis(50)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage()
                    + "\n--- api-service ---\n" + suite.api.logTail()
                    + "\n--- outbox-worker ---\n" + suite.outbox.logTail()
                    + "\n--- projection-worker ---\n" + suite.projection.logTail(), e);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }
}
