package com.waitingroom.ingest.api;

import static org.hamcrest.Matchers.startsWith;

import static com.waitingroom.ingest.auth.Tokens.asWriter;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** OTLP and Loki requests share the rate limits of POST /events: 429 + Retry-After, nothing stored. */
@QuarkusTest
@TestProfile(ProtocolRateLimitTest.SmallLimit.class)
class ProtocolRateLimitTest {

    public static class SmallLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.rate-limit.events-per-second", "1", "ingest.rate-limit.burst", "3");
        }
    }

    @Test
    void overTheLimitIs429WithRetryAfterAndNothingStored() {
        // a batch larger than the burst passes when the bucket is full and leaves it in debt (ClientRateLimiter)
        String first = EventResourceTest.uniqueService("otlp-first");
        long now = OtlpLogsTest.nanos(Instant.now());
        asWriter().contentType("application/json").body(OtlpLogsTest.jsonExport(first, now, now + 1, now + 2, now + 3, now + 4))
                .post("/v1/logs").then().statusCode(200);
        assertEquals(5, TestDb.countForService(first));
        String otlpService = EventResourceTest.uniqueService("otlp-429");
        asWriter().contentType("application/json").body(OtlpLogsTest.jsonExport(otlpService, now, now + 1, now + 2, now + 3, now + 4))
                .post("/v1/logs").then().statusCode(429).header("Retry-After", notNullValue())
                .contentType("application/json").body("code", equalTo(8)).body("message", startsWith("RATE_LIMITED: "));
        String lokiService = EventResourceTest.uniqueService("loki-429");
        String ts = LokiPushTest.nanos(Instant.now());
        asWriter().contentType("application/json")
                .body(LokiPushTest.push("{\"job\":\"" + lokiService + "\"}", List.of(new String[] { ts, "a" }, new String[] { ts, "b" },
                        new String[] { ts, "c" }, new String[] { ts, "d" })))
                .post("/loki/api/v1/push").then().statusCode(429).header("Retry-After", notNullValue());
        assertEquals(0, TestDb.countForService(otlpService));
        assertEquals(0, TestDb.countForService(lokiService));
    }
}
