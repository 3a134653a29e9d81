package com.waitingroom.system;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * event-ingest-service as a log shipper and a reader meet it, next to the rest of the suite: a batch
 * acknowledged with 201 is there, byte for byte, when read back; a retried batch stores nothing twice;
 * the summary counts it; the roles hold.
 */
class IngestRoundTripIT extends SuiteTest {

    @Test
    void anAcknowledgedBatchIsReadBackExactlyOnceAfterARetry() {
        String service = "system-" + UUID.randomUUID().toString().substring(0, 8);
        Instant base = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        String ndjson = String.join("\n",
                line("rt-1-" + service, base, service, "patient called to room 3", "{\"room\":\"3\",\"ticket\":42}"),
                line("rt-2-" + service, base.plusMillis(1), service, "payment validated", null),
                line("rt-3-" + service, base.plusMillis(2), service, "queue closed – é ü 漢", "{\"queue\":\"Q1\"}"))
                + "\n";

        for (int attempt = 0; attempt < 2; attempt++) { // the second POST is a shipper's retry
            as("log-writer").contentType("application/x-ndjson").body(ndjson.getBytes(StandardCharsets.UTF_8))
                    .post(suite.ingest.baseUrl() + "/events")
                    .then().statusCode(201).body("accepted", equalTo(3))
                    .body("eventIds", equalTo(List.of("rt-1-" + service, "rt-2-" + service, "rt-3-" + service)));
        }

        JsonPath page = as("log-reader").queryParam("service", service)
                .get(suite.ingest.baseUrl() + "/events")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("rt-1-" + service, "rt-2-" + service, "rt-3-" + service), page.getList("items.eventId"));
        assertEquals(List.of("patient called to room 3", "payment validated", "queue closed – é ü 漢"),
                page.getList("items.message"));
        assertEquals(Map.of("room", "3", "ticket", 42), page.getMap("items[0].metadata"));
        assertEquals(base.toString(), Instant.parse(page.getString("items[0].timestamp")).toString());

        JsonPath summary = as("log-reader").get(suite.ingest.baseUrl() + "/events/summary")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(3, summary.getInt("services.find { it.service == '" + service + "' }.lastHour"));
    }

    @Test
    void writersCannotReadAndNobodyWritesWithoutAToken() {
        as("log-writer").get(suite.ingest.baseUrl() + "/events").then().statusCode(403);
        given().contentType("application/json").body("{}").post(suite.ingest.baseUrl() + "/events")
                .then().statusCode(401);
    }

    private static RequestSpecification as(String role) {
        return given().header("Authorization", suite.bearer(role));
    }

    private static String line(String eventId, Instant timestamp, String service, String message, String metadata) {
        return "{\"eventId\":\"" + eventId + "\",\"timestamp\":\"" + timestamp + "\",\"service\":\"" + service
                + "\",\"message\":\"" + message + "\"" + (metadata == null ? "" : ",\"metadata\":" + metadata) + "}";
    }
}
