package com.waitingroom.ingest.api;

import static com.waitingroom.ingest.auth.Tokens.asWriter;
import static com.waitingroom.ingest.auth.Tokens.management;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Queue-full and per-client rate limiting answer 429 with Retry-After and store nothing. */
@QuarkusTest
@TestProfile(BackpressureTest.SmallLimits.class)
class BackpressureTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // 1 event/s refill: the bucket cannot refill noticeably during the test, even on a slow machine
            return Map.of("ingest.writer.queue-capacity", "20",
                    "ingest.rate-limit.events-per-second", "1",
                    "ingest.rate-limit.burst", "30");
        }
    }

    private static String batch(String service, int size) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            items.add("{\"timestamp\":\"" + Instant.now() + "\",\"service\":\"" + service + "\",\"message\":\"m" + i + "\"}");
        }
        return "[" + String.join(",", items) + "]";
    }

    @Test
    void fullQueueAndRateLimitAnswer429WithRetryAfter() {
        String service = "backpressure-" + UUID.randomUUID().toString().substring(0, 8);
        // more events than the queue can ever hold at once
        asWriter().contentType("application/json").body(batch(service, 21)).post("/events")
                .then().statusCode(429).contentType("application/problem+json")
                .body("code", equalTo("QUEUE_FULL")).header("Retry-After", notNullValue());
        // what remains of the 30-event burst
        asWriter().contentType("application/json").body(batch(service, 9)).post("/events").then().statusCode(201);
        asWriter().contentType("application/json").body(batch(service, 5)).post("/events")
                .then().statusCode(429).contentType("application/problem+json")
                .body("code", equalTo("RATE_LIMITED")).body("limit", equalTo("client-address"))
                .header("Retry-After", notNullValue());
        org.junit.jupiter.api.Assertions.assertEquals(9, TestDb.countForService(service));
        String metrics = management().get("/q/metrics").asString();
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("ingest_events_rejected_total{reason=\"queue_full\""));
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("ingest_events_rejected_total{reason=\"rate_limited\""));
    }
}
