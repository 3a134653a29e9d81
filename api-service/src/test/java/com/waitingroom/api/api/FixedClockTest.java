package com.waitingroom.api.api;

import com.waitingroom.api.config.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import static com.waitingroom.api.api.Tokens.as;
import static com.waitingroom.security.Roles.RECEPTIONIST;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Time-based decisions use the injected clock: under the tests' fixed clock, an event's occurred-at
 * and a stored response's expiry are exactly that clock's instant (plus the TTL), not the system time.
 * Not re-run by the packaged-jar IT, which keeps the system clock.
 */
@QuarkusTest
class FixedClockTest {

    @Test
    void eventsAreStampedAndIdempotentResponsesExpireOnTheInjectedClock() {
        String queueId = "clock-" + UUID.randomUUID().toString().substring(0, 8);
        String key = UUID.randomUUID().toString();
        as(RECEPTIONIST).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"patientId\":\"P1\",\"patientName\":\"Ana\",\"priority\":\"Low\",\"consultationType\":\"GP\"}")
                .post("/api/waiting-rooms/" + queueId + "/check-ins").then().statusCode(201);

        as(RECEPTIONIST).get("/api/waiting-rooms/" + queueId + "/events").then().statusCode(200)
                .body("[0].occurredAt", equalTo(TestClock.NOW.toString()))
                .body("[1].occurredAt", equalTo(TestClock.NOW.toString()));
        Map<String, Object> stored = TestDb.rows(
                "SELECT occurred_at FROM events WHERE aggregate_id = ? AND version = 2", queueId).get(0);
        assertEquals(TestClock.NOW, instant(stored.get("occurred_at")));
        Map<String, Object> response = TestDb.rows("SELECT expires_at FROM idempotency_keys WHERE idempotency_key = ?",
                key).get(0);
        assertEquals(TestClock.NOW.plus(Duration.ofHours(24)), instant(response.get("expires_at")));
    }

    private static Instant instant(Object timestamp) {
        if (timestamp instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        return ((java.sql.Timestamp) timestamp).toInstant();
    }
}
