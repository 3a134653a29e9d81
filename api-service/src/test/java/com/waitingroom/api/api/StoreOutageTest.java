package com.waitingroom.api.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static com.waitingroom.api.api.Tokens.as;
import static com.waitingroom.security.Roles.RECEPTIONIST;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PostgreSQL outage (simulated by cutting a TCP proxy, never by stopping the shared server):
 * commands fail fast with 503 problem+json and Retry-After, nothing half-written, and the
 * service recovers by itself when the database is back.
 */
@QuarkusTest
@TestProfile(ProxiedStoreProfile.class)
class StoreOutageTest {

    @AfterEach
    void restoreProxy() {
        ProxiedStoreProfile.proxy.restore();
    }

    private static String body(String patientId) {
        return "{\"patientId\":\"" + patientId + "\",\"patientName\":\"Ana\",\"priority\":\"Low\","
                + "\"consultationType\":\"General\"}";
    }

    @Test
    void outageGives503AndTheServiceRecoversWhenTheDatabaseReturns() {
        String queueId = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        as(RECEPTIONIST).contentType(ContentType.JSON).body(body("P1")).post("/api/waiting-rooms/" + queueId + "/check-ins")
                .then().statusCode(201);

        ProxiedStoreProfile.proxy.cut();
        try {
            as(RECEPTIONIST).contentType(ContentType.JSON).body(body("P2")).post("/api/waiting-rooms/" + queueId + "/check-ins")
                    .then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", equalTo("1"))
                    .body("code", equalTo("STORE_UNAVAILABLE"));
            // readiness reports its last background check: DOWN within a check interval
            await().atMost(Duration.ofSeconds(5)).until(() -> ManagementInterface.given().get("/q/health/ready").statusCode() == 503);
        } finally {
            ProxiedStoreProfile.proxy.restore();
        }

        as(RECEPTIONIST).contentType(ContentType.JSON).body(body("P3")).post("/api/waiting-rooms/" + queueId + "/check-ins")
                .then().statusCode(201).body("version", equalTo(3));
        assertEquals(3, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
        assertEquals(3, TestDb.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?", queueId));
    }
}
