package com.waitingroom.ingest.fault;

import static com.waitingroom.ingest.auth.Tokens.management;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.ingest.auth.Tokens;
import com.waitingroom.security.Roles;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * PostgreSQL unreachable for ~10 s while clients keep sending: they must get 503/429 (never a
 * silent drop or another 5xx), every acknowledged event must be stored exactly once afterwards,
 * and ingest must resume without a restart.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresProxyResource.class, restrictToAnnotatedClass = true)
class PostgresOutageTest {

    private static final int CLIENTS = 16;
    private static final int EVENTS_PER_REQUEST = 5;

    private final String service = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> statusesDuringOutage = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> allStatuses = new ConcurrentHashMap<>();
    private final AtomicLong acksAfterRestore = new AtomicLong();
    private final String authorization = Tokens.bearer(Roles.LOG_WRITER);
    private volatile boolean outage;
    private volatile boolean restored;

    @Test
    void clientsArePushedBackDuringAnOutageAndNothingAcknowledgedIsLost() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://localhost:" + RestAssured.port + "/events");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sequence = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            clients.submit(() -> {
                while (running.get()) {
                    send(http, uri, sequence);
                }
                return null;
            });
        }

        Thread.sleep(2_000);
        assertTrue(acknowledged.size() > 0, "acknowledgements before the outage");

        PostgresProxyResource.proxy.cut();
        Thread.sleep(1_000); // requests in flight when the cut happened settle
        outage = true;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> management().get("/q/health/ready").then().statusCode(503));
        Thread.sleep(8_000);
        outage = false;
        PostgresProxyResource.proxy.restore();
        restored = true;

        await().atMost(Duration.ofSeconds(30)).until(() -> acksAfterRestore.get() > 50);
        running.set(false);
        clients.shutdown();
        assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
        // Readiness answers from a background check (refreshed every second): UP again soon, not at once.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> management().get("/q/health/ready").then().statusCode(200));

        int pushedBack = count(statusesDuringOutage, 503) + count(statusesDuringOutage, 429);
        assertTrue(pushedBack > 0, "clients saw 503/429 during the outage: " + statusesDuringOutage);
        assertEquals(0, count(statusesDuringOutage, 201), "nothing can be acknowledged while PostgreSQL is cut");
        for (int status : allStatuses.keySet()) {
            assertTrue(status == 201 || status == 429 || status == 503, "unexpected status " + status + ": " + allStatuses);
        }

        List<String> stored = TestDb.storedIds(new ArrayList<>(acknowledged));
        assertEquals(acknowledged.size(), stored.size(), "every acknowledged event is in PostgreSQL");
        assertEquals(TestDb.countForService(service), TestDb.distinctIdsForService(service), "no duplicates");
    }

    private void send(HttpClient http, URI uri, AtomicLong sequence) {
        List<String> ids = new ArrayList<>();
        String body = LoadBatches.jsonBatch(service, sequence, EVENTS_PER_REQUEST, "load", ids);
        boolean sentDuringOutage = outage;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header(Tokens.AUTHORIZATION, authorization)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            allStatuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            if (sentDuringOutage && outage) {
                statusesDuringOutage.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            }
            if (status == 201) {
                acknowledged.addAll(ids);
                if (restored) {
                    acksAfterRestore.incrementAndGet();
                }
            } else if (status == 503 || status == 429) {
                // a client would back off as told by Retry-After; keep the test short
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            allStatuses.computeIfAbsent(-1, s -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static int count(Map<Integer, AtomicInteger> statuses, int status) {
        AtomicInteger value = statuses.get(status);
        return value == null ? 0 : value.get();
    }
}
