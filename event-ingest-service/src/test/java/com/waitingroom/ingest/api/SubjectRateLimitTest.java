package com.waitingroom.ingest.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.ingest.auth.Tokens;
import com.waitingroom.security.Roles;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

/**
 * The per-subject limit follows the token's {@code sub}: two log shippers behind one address (the
 * test client) are limited separately, and the per-address limit applies on top.
 */
@QuarkusTest
@TestProfile(SubjectRateLimitTest.SmallLimits.class)
class SubjectRateLimitTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // 1 event/s refill: the buckets cannot refill noticeably during the test, even on a slow machine
            return Map.of("ingest.rate-limit.events-per-second-per-subject", "1",
                    "ingest.rate-limit.burst-per-subject", "10",
                    "ingest.rate-limit.events-per-second", "1",
                    "ingest.rate-limit.burst", "25");
        }
    }

    private static String batch(String service, int size) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            items.add("{\"timestamp\":\"" + Instant.now() + "\",\"service\":\"" + service + "\",\"message\":\"m" + i + "\"}");
        }
        return "[" + String.join(",", items) + "]";
    }

    private static ValidatableResponse post(String subject, String service, int events) {
        return given().header(Tokens.AUTHORIZATION, Tokens.bearer(subject, Roles.LOG_WRITER))
                .contentType("application/json").body(batch(service, events)).post("/events").then();
    }

    @Test
    void twoSubjectsFromOneAddressAreLimitedSeparately() {
        String service = EventResourceTest.uniqueService("per-subject");
        post("shipper-a", service, 10).statusCode(201);
        // refills 1 event/s: refused unless the test took more than 5 s since the first request
        post("shipper-a", service, 5).statusCode(429).contentType("application/problem+json")
                .body("code", equalTo("RATE_LIMITED")).body("limit", equalTo("subject"))
                .body("detail", containsString("token subject")).header("Retry-After", notNullValue());
        // same address, another subject: its own budget (and shipper-a's refusal took none of the address's)
        post("shipper-b", service, 10).statusCode(201);
        // the address has 5 of its 25 left (plus a token a second): a third subject is refused by the per-address limit
        post("shipper-c", service, 10).statusCode(429)
                .body("code", equalTo("RATE_LIMITED")).body("limit", equalTo("client-address"))
                .body("detail", containsString("client address")).header("Retry-After", notNullValue());
        post("shipper-c", service, 5).statusCode(201);
        assertEquals(25, TestDb.countForService(service));
    }
}
