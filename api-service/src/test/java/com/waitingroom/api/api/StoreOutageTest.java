package com.waitingroom.api.api;

import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PostgreSQL outage (simulated by cutting a TCP proxy, never by stopping the shared server):
 * commands fail fast with 503 problem+json and Retry-After, nothing half-written, and the
 * service recovers by itself when the database is back.
 */
@QuarkusTest
@TestProfile(StoreOutageTest.ThroughProxy.class)
class StoreOutageTest {

    static TcpProxy proxy;

    public static class ThroughProxy implements QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(ProxyResource.class));
        }
    }

    public static class ProxyResource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                proxy = TcpProxy.start(LocalInfra.pgHost(), LocalInfra.pgPort());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            // Only the reactive pool (the command path) goes through the proxy; Flyway stays direct.
            return Map.of("quarkus.datasource.reactive.url",
                    "postgresql://127.0.0.1:" + proxy.port() + "/" + TestDb.DATABASE);
        }

        @Override
        public void stop() {
            proxy.close();
        }
    }

    private static String body(String patientId) {
        return "{\"patientId\":\"" + patientId + "\",\"patientName\":\"Ana\",\"priority\":\"Low\","
                + "\"consultationType\":\"General\"}";
    }

    @Test
    void outageGives503AndTheServiceRecoversWhenTheDatabaseReturns() {
        String queueId = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(body("P1")).post("/api/waiting-rooms/" + queueId + "/check-ins")
                .then().statusCode(201);

        proxy.cut();
        try {
            given().contentType(ContentType.JSON).body(body("P2")).post("/api/waiting-rooms/" + queueId + "/check-ins")
                    .then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", equalTo("1"))
                    .body("code", equalTo("STORE_UNAVAILABLE"));
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            proxy.restore();
        }

        given().contentType(ContentType.JSON).body(body("P3")).post("/api/waiting-rooms/" + queueId + "/check-ins")
                .then().statusCode(201).body("version", equalTo(3));
        assertEquals(3, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
        assertEquals(3, TestDb.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?", queueId));
    }
}
