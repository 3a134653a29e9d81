package com.waitingroom.ingest.api;

import static com.waitingroom.ingest.auth.Tokens.asReader;
import static com.waitingroom.ingest.auth.Tokens.asWriter;
import static com.waitingroom.ingest.auth.Tokens.management;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

@QuarkusTest
public class EventResourceTest {

    static final String PROBLEM = "application/problem+json";

    static String uniqueService(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String event(String eventId, Instant timestamp, String service, String message, String metadataJson) {
        StringBuilder json = new StringBuilder("{");
        if (eventId != null) {
            json.append("\"eventId\":\"").append(eventId).append("\",");
        }
        json.append("\"timestamp\":\"").append(timestamp).append("\",\"service\":\"").append(service)
                .append("\",\"message\":\"").append(message).append('"');
        if (metadataJson != null) {
            json.append(",\"metadata\":").append(metadataJson);
        }
        return json.append('}').toString();
    }

    @Test
    void storesOneEventExactlyAsSentAfterAcknowledging() {
        String service = uniqueService("triage");
        Instant timestamp = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        String eventId = asWriter().contentType("application/json")
                .body(event(null, timestamp, service, "patient called", "{\"room\":\"B2\",\"priority\":3}"))
                .post("/events")
                .then().statusCode(201).contentType("application/json")
                .body("accepted", equalTo(1)).body("eventId", notNullValue())
                .extract().path("eventId");

        // the 201 means committed: the row is readable right away, without waiting
        assertEquals(1, TestDb.countForService(service));
        assertEquals("patient called", TestDb.queryString("SELECT message FROM ingest_events WHERE event_id = ?", eventId));
        assertEquals(timestamp.toString(),
                TestDb.queryString("SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM ingest_events WHERE event_id = ?", eventId));
        assertEquals("B2", TestDb.queryString("SELECT metadata->>'room' FROM ingest_events WHERE event_id = ?", eventId));
    }

    @Test
    void acceptsEpochMillisTimestamps() {
        String service = uniqueService("epoch");
        long millis = Instant.now().minus(1, ChronoUnit.HOURS).toEpochMilli();
        asWriter().contentType("application/json")
                .body("{\"timestamp\":" + millis + ",\"service\":\"" + service + "\",\"message\":\"m\"}")
                .post("/events").then().statusCode(201);
        assertEquals(millis, TestDb.queryLong("SELECT floor(extract(epoch FROM ts) * 1000)::bigint FROM ingest_events WHERE service = ?", service));
    }

    @Test
    void storesAJsonArrayBatchAndReturnsEveryId() {
        String service = uniqueService("batch");
        Instant now = Instant.now();
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            items.add(event(null, now.minusMillis(i), service, "m" + i, null));
        }
        List<String> ids = asWriter().contentType("application/json").body("[" + String.join(",", items) + "]")
                .post("/events").then().statusCode(201).body("accepted", equalTo(50)).body("eventIds", hasSize(50))
                .extract().path("eventIds");
        assertEquals(50, new HashSet<>(ids).size());
        assertEquals(50, TestDb.countForService(service));
        assertEquals(50, TestDb.storedIds(ids).size());
    }

    @Test
    void storesNdjsonLines() {
        String service = uniqueService("ndjson");
        Instant now = Instant.now();
        String body = event("nd-1-" + service, now, service, "one", null) + "\n"
                + event("nd-2-" + service, now, service, "two", "{\"a\":[1,2,{\"b\":null}]}") + "\n";
        asWriter().contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8)).post("/events")
                .then().statusCode(201).body("eventIds", containsInAnyOrder("nd-1-" + service, "nd-2-" + service));
        assertEquals(2, TestDb.countForService(service));
    }

    @Test
    void retryingWithTheSameEventIdDoesNotDuplicate() {
        String service = uniqueService("retry");
        String body = event("retry-" + service, Instant.now(), service, "once", null);
        for (int attempt = 0; attempt < 3; attempt++) {
            asWriter().contentType("application/json").body(body).post("/events")
                    .then().statusCode(201).body("eventId", equalTo("retry-" + service));
        }
        // also inside one batch
        asWriter().contentType("application/json").body("[" + body + "," + body + "]").post("/events").then().statusCode(201);
        assertEquals(1, TestDb.countForService(service));
    }

    @Test
    void namesEveryBadFieldOfASingleEvent() {
        asWriter().contentType("application/json")
                .body("{\"timestamp\":\"yesterday\",\"service\":42,\"message\":\"\",\"color\":\"red\",\"metadata\":[1]}")
                .post("/events")
                .then().statusCode(400).contentType(PROBLEM)
                .body("status", equalTo(400)).body("code", equalTo("VALIDATION_FAILED")).body("type", notNullValue())
                .body("title", notNullValue()).body("detail", notNullValue())
                .body("errors.field", containsInAnyOrder("timestamp", "service", "message", "color", "metadata"));
    }

    @Test
    void rejectsMissingRequiredFieldsAndTooLongValues() {
        asWriter().contentType("application/json")
                .body("{\"service\":\"" + "s".repeat(101) + "\",\"message\":\"" + "m".repeat(2001) + "\"}")
                .post("/events")
                .then().statusCode(400)
                .body("errors.field", containsInAnyOrder("timestamp", "service", "message"))
                .body("errors.find { it.field == 'timestamp' }.message", equalTo("is required"));
    }

    @Test
    void rejectsTimestampsOutsideRetentionOrTooFarInTheFuture() {
        String service = uniqueService("window");
        Instant old = Instant.now().minus(30, ChronoUnit.DAYS);
        Instant future = Instant.now().plus(3, ChronoUnit.DAYS);
        asWriter().contentType("application/json")
                .body("[" + event(null, old, service, "old", null) + "," + event(null, future, service, "future", null) + "]")
                .post("/events")
                .then().statusCode(400).body("failedItems", containsInAnyOrder(0, 1))
                .body("errors.field", containsInAnyOrder("[0].timestamp", "[1].timestamp"));
        assertEquals(0, TestDb.countForService(service));
    }

    @Test
    void aBatchWithBadItemsSaysWhichFailedAndStoresNothing() {
        String service = uniqueService("partial");
        Instant now = Instant.now();
        String body = "[" + event(null, now, service, "ok", null) + ","
                + "{\"timestamp\":\"" + now + "\",\"service\":\"" + service + "\"},"
                + event(null, now, service, "ok", null) + ","
                + "\"not an object\"]";
        asWriter().contentType("application/json").body(body).post("/events")
                .then().statusCode(400).contentType(PROBLEM)
                .body("failedItems", containsInAnyOrder(1, 3))
                .body("errors.field", containsInAnyOrder("[1].message", "[3]"))
                .body("detail", containsString("2 of 4"));
        assertEquals(0, TestDb.countForService(service));
    }

    @Test
    void ndjsonErrorsNameTheLine() {
        String service = uniqueService("ndbad");
        String body = event(null, Instant.now(), service, "ok", null) + "\n{broken\n";
        asWriter().contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8)).post("/events")
                .then().statusCode(400).body("failedItems", containsInAnyOrder(1))
                .body("errors[0].message", containsString("line 2"));
        assertEquals(0, TestDb.countForService(service));
    }

    @Test
    void rejectsMetadataThatIsTooDeepOrHasTooManyKeys() {
        String service = uniqueService("meta");
        String deep = "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}";
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        many.append('}');
        Instant now = Instant.now();
        asWriter().contentType("application/json")
                .body("[" + event(null, now, service, "deep", deep) + "," + event(null, now, service, "many", many.toString()) + "]")
                .post("/events")
                .then().statusCode(400).body("failedItems", containsInAnyOrder(0, 1))
                .body("errors.field", hasItem("[0].metadata.a.b.c.d.e"))
                .body("errors.field", hasItem("[1].metadata"));
    }

    @Test
    void oversizeBodiesAndBatchesGet413() {
        String huge = "[" + "1,".repeat(5_000_000) + "1]"; // > 8 MiB
        asWriter().contentType("application/json").body(huge).post("/events")
                .then().statusCode(413).contentType(PROBLEM).body("code", equalTo("PAYLOAD_TOO_LARGE"));

        String service = uniqueService("big");
        String one = event(null, Instant.now(), service, "m", null);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            items.add(one);
        }
        asWriter().contentType("application/json").body("[" + String.join(",", items) + "]").post("/events")
                .then().statusCode(413).contentType(PROBLEM).body("code", equalTo("BATCH_TOO_LARGE"));
        assertEquals(0, TestDb.countForService(service));
    }

    @Test
    void malformedJsonAndWrongMediaTypeAreClientErrors() {
        asWriter().contentType("application/json").body("{\"timestamp\":").post("/events")
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("MALFORMED_JSON"));
        asWriter().contentType("application/json").body("").post("/events")
                .then().statusCode(400).body("code", equalTo("EMPTY_BODY"));
        asWriter().contentType("application/json").body("[]").post("/events")
                .then().statusCode(400).body("code", equalTo("EMPTY_BATCH"));
        asWriter().contentType("text/plain").body("hello").post("/events")
                .then().statusCode(415).contentType(PROBLEM);
    }

    @Test
    void pagesThroughASearchWithAKeysetCursor() {
        String service = uniqueService("page");
        Instant base = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // two events share each timestamp so the cursor's tie-break on eventId matters
            items.add(event(String.format("p%02d-%s", i, service), base.plusMillis(i / 2), service, "m" + i, null));
        }
        asWriter().contentType("application/json").body("[" + String.join(",", items) + "]").post("/events").then().statusCode(201);
        // noise from another service in the same window must not show up
        asWriter().contentType("application/json").body(event(null, base, uniqueService("other"), "x", null)).post("/events")
                .then().statusCode(201);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = asReader().queryParam("service", service).queryParam("limit", 10)
                    .queryParam("from", base.minusSeconds(1).toString()).queryParam("to", base.plusSeconds(60).toString());
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/events").then().statusCode(200).contentType("application/json")
                    .body("limit", equalTo(10)).extract().jsonPath();
            seen.addAll(page.getList("items.eventId"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertEquals(3, pages);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            expected.add(String.format("p%02d-%s", i, service));
        }
        assertEquals(expected, seen, "ascending by timestamp, then eventId, no gaps or repeats across pages");

        List<String> newestFirst = asReader().queryParam("service", service).queryParam("order", "desc").queryParam("limit", 3)
                .queryParam("from", base.minusSeconds(1).toString())
                .get("/events").then().statusCode(200).extract().path("items.eventId");
        assertEquals(List.of(expected.get(24), expected.get(23), expected.get(22)), newestFirst);
    }

    @Test
    void searchReturnsEventFieldsAndDefaultsWithoutParameters() {
        String service = uniqueService("fields");
        Instant timestamp = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MICROS);
        asWriter().contentType("application/json").body(event("f-" + service, timestamp, service, "hello", "{\"k\":[1,\"two\"]}"))
                .post("/events").then().statusCode(201);
        asReader().queryParam("service", service).get("/events").then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].eventId", equalTo("f-" + service))
                .body("items[0].timestamp", equalTo(timestamp.toString()))
                .body("items[0].message", equalTo("hello"))
                .body("items[0].metadata.k[1]", equalTo("two"))
                .body("items[0].receivedAt", notNullValue())
                .body("nextCursor", nullValue());
        // no parameters at all: defaults (last 24 h, limit 100), never a 500
        asReader().get("/events").then().statusCode(200).body("limit", equalTo(100));
    }

    @Test
    void badSearchParametersGet400NamingThem() {
        asReader().queryParam("limit", "lots").queryParam("from", "monday").queryParam("cursor", "%%%")
                .queryParam("order", "sideways")
                .get("/events").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", containsInAnyOrder("limit", "from", "cursor", "order"));
        asReader().queryParam("limit", 100_000).get("/events").then().statusCode(400).body("errors.field", containsInAnyOrder("limit"));
        asReader().queryParam("from", "2026-01-01T00:00:00Z").queryParam("to", "2026-06-01T00:00:00Z")
                .get("/events").then().statusCode(400).body("errors[0].field", equalTo("to"));
        asReader().queryParam("from", "2026-01-02T00:00:00Z").queryParam("to", "2026-01-01T00:00:00Z")
                .get("/events").then().statusCode(400).body("errors[0].field", equalTo("from"));
    }

    @Test
    void summaryCountsEventsPerServiceFromCommittedRows() {
        String service = uniqueService("summary");
        Instant now = Instant.now();
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            items.add(event(null, now.minus(2, ChronoUnit.MINUTES), service, "recent", null));
        }
        for (int i = 0; i < 4; i++) {
            items.add(event(null, now.minus(3, ChronoUnit.HOURS), service, "older", null));
        }
        items.add(event(null, now.minus(30, ChronoUnit.HOURS), service, "outside 24h", null));
        asWriter().contentType("application/json").body("[" + String.join(",", items) + "]").post("/events").then().statusCode(201);
        // a duplicate must not be counted twice
        String again = event("sum-dup-" + service, now.minus(1, ChronoUnit.MINUTES), service, "dup", null);
        asWriter().contentType("application/json").body(again).post("/events").then().statusCode(201);
        asWriter().contentType("application/json").body(again).post("/events").then().statusCode(201);

        asReader().get("/events/summary").then().statusCode(200)
                .body("services.find { it.service == '" + service + "' }.lastHour", equalTo(8))
                .body("services.find { it.service == '" + service + "' }.last24Hours", equalTo(12));
    }

    @Test
    void echoesOrGeneratesTheCorrelationId() {
        asReader().header("X-Correlation-Id", "corr-123").get("/events").then().header("X-Correlation-Id", "corr-123");
        Response response = asWriter().contentType("application/json").body("{}").post("/events");
        assertEquals(400, response.statusCode());
        String generated = response.header("X-Correlation-Id");
        assertNotNull(generated);
        assertEquals(generated, response.jsonPath().getString("correlationId"));
        // a value unsafe to echo is replaced
        String replaced = asReader().header("X-Correlation-Id", "x".repeat(500)).get("/events").header("X-Correlation-Id");
        assertTrue(replaced.length() <= 128);
    }

    @Test
    void healthAndMetricsAreExposed() {
        management().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("postgresql")).body("checks.name", hasItem("ingest-queue"));
        management().get("/q/health/started").then().statusCode(200);
        // one accepted event so every counter has a value
        asWriter().contentType("application/json").body(event(null, Instant.now(), uniqueService("metrics"), "m", null))
                .post("/events").then().statusCode(201);
        asWriter().contentType("application/json").body("{}").post("/events").then().statusCode(400);
        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("ingest_events_accepted_total", "ingest_events_persisted_total", "ingest_queue_depth",
                "ingest_batch_size_count", "ingest_flush_latency_seconds_count", "ingest_events_rejected_total{reason=\"invalid\"")) {
            assertTrue(metrics.contains(name), "metric missing: " + name);
        }
    }

    @Test
    void partitionsExistForTheRetentionWindowAndAhead() {
        // test profile: 3 days retention, 2 days ahead -> today-3 .. today+2 = 6 daily partitions
        long partitions = TestDb.queryLong("""
                SELECT count(*) FROM pg_inherits JOIN pg_class c ON c.oid = inhrelid
                WHERE inhparent = 'ingest_events'::regclass AND c.relname LIKE 'ingest_events_p%'""");
        assertEquals(6, partitions);
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().replace("-", "");
        // events of today are in today's partition, not in the default one
        String service = uniqueService("part");
        asWriter().contentType("application/json").body(event("part-" + service, Instant.now(), service, "m", null))
                .post("/events").then().statusCode(201);
        assertEquals("ingest_events_p" + today,
                TestDb.queryString("SELECT tableoid::regclass::text FROM ingest_events WHERE service = ?", service));
        assertNull(TestDb.queryString("SELECT event_id FROM ingest_events_default LIMIT 1"));
    }
}
