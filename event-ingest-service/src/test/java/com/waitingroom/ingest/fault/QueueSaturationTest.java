package com.waitingroom.ingest.fault;

import static com.waitingroom.ingest.auth.Tokens.asWriter;
import static com.waitingroom.ingest.auth.Tokens.management;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.ingest.auth.Tokens;
import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.LocalInfra;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * PostgreSQL held back (a test transaction locks the events table against inserts) while requests
 * fill the small commit queue: readiness must turn DOWN naming the queue, further requests must get
 * 429 + Retry-After, and once the database moves again everything queued must be acknowledged,
 * readiness must come back and every acknowledged event must be stored exactly once.
 */
@QuarkusTest
@TestProfile(QueueSaturationTest.TinyQueue.class)
class QueueSaturationTest {

    private static final int QUEUE_CAPACITY = 50;
    private static final int EVENTS_PER_REQUEST = 10;

    public static class TinyQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the queued requests wait for the lock's release: they must not time out meanwhile, even on a slow machine
            return Map.of("ingest.writer.queue-capacity", String.valueOf(QUEUE_CAPACITY),
                    "ingest.writer.ack-timeout", "PT5M");
        }
    }

    private final String service = "saturation-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong sequence = new AtomicLong();

    @Test
    void saturatedQueueTurnsReadinessDownAndPushesBackUntilTheDatabaseCatchesUp() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<String> queuedIds = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> queuedRequests = new ArrayList<>();

        try (Connection blocker = LocalInfra.connect(TestDb.DATABASE)) {
            blocker.setAutoCommit(false);
            try (Statement lock = blocker.createStatement()) {
                // SHARE conflicts with the inserts' ROW EXCLUSIVE lock (on every partition) but not with reads
                lock.execute("LOCK TABLE ingest_events IN SHARE MODE");
            }
            for (int i = 0; i < QUEUE_CAPACITY / EVENTS_PER_REQUEST; i++) {
                queuedRequests.add(http.sendAsync(post(LoadBatches.jsonBatch(service, sequence, EVENTS_PER_REQUEST, "queued", queuedIds)),
                        HttpResponse.BodyHandlers.ofString()));
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> management().get("/q/health/ready")
                    .then().statusCode(503)
                    .body("checks.find { it.name == 'ingest-queue' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'ingest-queue' }.data.depth", equalTo(QUEUE_CAPACITY))
                    .body("checks.find { it.name == 'postgresql' }.status", equalTo("UP")));

            List<String> refusedIds = new ArrayList<>();
            asWriter().contentType("application/json").body(LoadBatches.jsonBatch(service, sequence, 1, "refused", refusedIds))
                    .post("/events")
                    .then().statusCode(429).contentType("application/problem+json")
                    .body("code", equalTo("QUEUE_FULL")).header("Retry-After", notNullValue());
            assertTrue(queuedRequests.stream().noneMatch(CompletableFuture::isDone),
                    "nothing is acknowledged while its commit is held back");
            assertEquals(List.of(), TestDb.storedIds(refusedIds), "a refused event is not stored");

            blocker.rollback();
        }

        for (CompletableFuture<HttpResponse<String>> request : queuedRequests) {
            HttpResponse<String> response = request.get(2, TimeUnit.MINUTES);
            assertEquals(201, response.statusCode(), response.body());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> management().get("/q/health/ready")
                .then().statusCode(200)
                .body("checks.find { it.name == 'ingest-queue' }.status", equalTo("UP")));
        assertEquals(queuedIds.size(), TestDb.storedIds(queuedIds).size(), "every acknowledged event is stored");
        assertEquals(QUEUE_CAPACITY, TestDb.countForService(service), "stored exactly once");
    }

    private static HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/events"))
                .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                .header(Tokens.AUTHORIZATION, Tokens.bearer(Roles.LOG_WRITER))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
