package com.waitingroom.ingest.api;

import static com.waitingroom.ingest.auth.Tokens.asReader;
import static com.waitingroom.ingest.auth.Tokens.asWriter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.waitingroom.ingest.domain.Severity;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * Differential test of the search filters: random events (POST /events and OTLP/JSON, so that both
 * metadata shapes and trace ids occur) in a service of their own, then random filter combinations
 * whose answers — every page through the cursors, the count and the per-severity summary — must equal
 * an in-memory filter of what was sent. The seed is in every failure message.
 */
@QuarkusTest
public class SearchDifferentialTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = { "patient called", "Timeout waiting for room", "TIMEOUT", "50% off", "50 percent",
            "a_b", "axb", "back\\slash", "room B2", "printer jam" };
    private static final String[] TEXTS = { "timeout", "TimeOut", "50%", "%", "_", "a_b", "back\\slash", "\\", "room b2",
            "called", "absent-word" };
    private static final String[] SEVERITY_WORDS = { "ERROR", "warn", "warning", "Info", "FATAL", "debug", "trace", "err" };
    private static final String[] ORDER_IDS = { "48213", "7", "100" };
    private static final String[] ROOMS = { "B2", "b2", "C1" };
    private static final String[] CORRELATION_IDS = { "corr-1", "corr-2", "checkin/7f3a" };

    /** What was sent, as the filters see it: metadata's top-level scalar values as text (->>). */
    record Sent(String message, Instant timestamp, Severity severity, String traceId, String correlationId,
            Map<String, String> metadataText) {
    }

    @Test
    void everyFilterCombinationAnswersWhatAnInMemoryFilterOfTheSentEventsSays() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String service = EventResourceTest.uniqueService("diff");
        String[] traces = { hex(random, 32), hex(random, 32), hex(random, 32) };
        Instant base = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<Sent> sent = new ArrayList<>();
        ArrayNode events = JSON.createArrayNode();
        ArrayNode otlpRecords = JSON.createArrayNode();
        for (int i = 0; i < 160; i++) {
            // distinct milliseconds: the expected order is the timestamp order
            Instant timestamp = base.plusMillis(i * 1000L + random.nextInt(1000));
            String message = WORDS[random.nextInt(WORDS.length)] + (random.nextBoolean() ? " " + WORDS[random.nextInt(WORDS.length)] : "")
                    + " #" + i;
            if (random.nextInt(4) == 0) {
                otlpRecords.add(otlpRecord(random, timestamp, message, traces, sent));
            } else {
                events.add(event(random, service, timestamp, message, sent));
            }
        }
        asWriter().contentType("application/json").body(JSON.writeValueAsString(events)).post("/events").then().statusCode(201);
        ObjectNode export = JSON.createObjectNode();
        ObjectNode resourceLogs = export.putArray("resourceLogs").addObject();
        resourceLogs.putObject("resource").putArray("attributes").addObject().put("key", "service.name")
                .putObject("value").put("stringValue", service);
        resourceLogs.putArray("scopeLogs").addObject().set("logRecords", otlpRecords);
        asWriter().contentType("application/json").body(JSON.writeValueAsString(export)).post("/v1/logs").then().statusCode(200);

        int selective = 0;
        for (int round = 0; round < 60; round++) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("service", service);
            Predicate<Sent> expected = randomFilter(random, params, sent, traces);
            List<Sent> matching = sent.stream().filter(expected).sorted(Comparator.comparing(Sent::timestamp)).toList();
            String context = "seed " + seed + ", query " + params;
            if (!matching.isEmpty() && matching.size() < sent.size()) {
                selective++;
            }
            boolean descending = random.nextBoolean();
            int limit = 1 + random.nextInt(9);
            List<String> expectedMessages = new ArrayList<>(matching.stream().map(Sent::message).toList());
            if (descending) {
                java.util.Collections.reverse(expectedMessages);
            }
            assertEquals(expectedMessages, pageThrough(params, descending, limit, context), context);

            long count = request(params).get("/events/count").then().statusCode(200).extract().jsonPath().getLong("count");
            assertEquals(matching.size(), count, context);
            JsonPath summary = request(params).get("/events/severity-summary").then().statusCode(200).extract().jsonPath();
            Map<String, Integer> bySeverity = new HashMap<>();
            matching.forEach(s -> bySeverity.merge(s.severity() == null ? "NONE" : s.severity().name(), 1, Integer::sum));
            for (String name : List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "NONE")) {
                assertEquals(bySeverity.getOrDefault(name, 0), summary.getInt("bySeverity." + name), context + " " + name);
            }
            assertEquals(matching.size(), summary.getLong("total"), context);
        }
        // guards the generator: most rounds must select some but not all events, or nothing was tested
        assertTrue(selective >= 20, "only " + selective + " selective queries, seed " + seed);
    }

    private static List<String> pageThrough(Map<String, String> params, boolean descending, int limit, String context) {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 200; pages++) {
            RequestSpecification request = request(params).queryParam("limit", limit).queryParam("order", descending ? "desc" : "asc");
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/events").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.message"));
            cursor = page.getString("nextCursor");
            if (cursor == null) {
                return seen;
            }
        }
        throw new AssertionError("more than 200 pages: " + context);
    }

    private static RequestSpecification request(Map<String, String> params) {
        RequestSpecification request = asReader().urlEncodingEnabled(true);
        params.forEach(request::queryParam);
        return request;
    }

    /** Adds random filters to {@code params}; returns the in-memory filter they mean. */
    private static Predicate<Sent> randomFilter(Random random, Map<String, String> params, List<Sent> sent, String[] traces) {
        Predicate<Sent> filter = s -> true;
        if (random.nextInt(10) < 4) {
            String text = TEXTS[random.nextInt(TEXTS.length)];
            params.put("q", text);
            String lower = text.toLowerCase(Locale.ROOT);
            filter = filter.and(s -> s.message().toLowerCase(Locale.ROOT).contains(lower));
        }
        if (random.nextInt(10) < 2) {
            String word = SEVERITY_WORDS[random.nextInt(SEVERITY_WORDS.length)];
            params.put("severity", word);
            Severity severity = Severity.fromWord(word);
            filter = filter.and(s -> s.severity() == severity);
        }
        if (random.nextInt(10) < 2) {
            String word = SEVERITY_WORDS[random.nextInt(SEVERITY_WORDS.length)];
            params.put("minSeverity", word);
            Severity minimum = Severity.fromWord(word);
            filter = filter.and(s -> s.severity() != null && s.severity().compareTo(minimum) >= 0);
        }
        filter = metaFilter(random, params, filter, "orderId", ORDER_IDS, 3);
        filter = metaFilter(random, params, filter, "room", ROOMS, 2);
        filter = metaFilter(random, params, filter, "paid", new String[] { "true", "false" }, 1);
        if (random.nextInt(10) < 2) {
            String trace = traces[random.nextInt(traces.length)];
            params.put("traceId", random.nextBoolean() ? trace.toUpperCase(Locale.ROOT) : trace);
            filter = filter.and(s -> trace.equals(s.traceId()));
        }
        if (random.nextInt(10) < 2) {
            String id = CORRELATION_IDS[random.nextInt(CORRELATION_IDS.length)];
            params.put("correlationId", id);
            filter = filter.and(s -> id.equals(s.correlationId()));
        }
        if (random.nextInt(10) < 3) {
            Instant a = sent.get(random.nextInt(sent.size())).timestamp();
            Instant b = sent.get(random.nextInt(sent.size())).timestamp();
            Instant from = a.isBefore(b) ? a : b;
            Instant to = (a.isBefore(b) ? b : a).plusMillis(1);
            params.put("from", from.toString());
            params.put("to", to.toString());
            filter = filter.and(s -> !s.timestamp().isBefore(from) && s.timestamp().isBefore(to));
        } else {
            params.put("from", Instant.now().minus(3, ChronoUnit.HOURS).toString());
        }
        return filter;
    }

    private static Predicate<Sent> metaFilter(Random random, Map<String, String> params, Predicate<Sent> filter, String key,
            String[] values, int chanceInTen) {
        if (random.nextInt(10) >= chanceInTen) {
            return filter;
        }
        String value = values[random.nextInt(values.length)];
        params.put("meta." + key, value);
        return filter.and(s -> value.equals(s.metadataText().get(key)));
    }

    private static ObjectNode event(Random random, String service, Instant timestamp, String message, List<Sent> sent) {
        ObjectNode event = JSON.createObjectNode().put("timestamp", timestamp.toString()).put("service", service)
                .put("message", message);
        Severity severity = null;
        if (random.nextInt(5) > 0) {
            String word = SEVERITY_WORDS[random.nextInt(SEVERITY_WORDS.length)];
            event.put("severity", word);
            severity = Severity.fromWord(word);
        }
        Map<String, String> text = new HashMap<>();
        String correlationId = null;
        if (random.nextInt(5) > 0) {
            ObjectNode metadata = event.putObject("metadata");
            if (random.nextBoolean()) {
                String orderId = ORDER_IDS[random.nextInt(ORDER_IDS.length)];
                // numbers and strings alike: ->> gives the same text for 48213 and "48213"
                if (random.nextBoolean()) {
                    metadata.put("orderId", Long.parseLong(orderId));
                } else {
                    metadata.put("orderId", orderId);
                }
                text.put("orderId", orderId);
            }
            if (random.nextBoolean()) {
                String room = ROOMS[random.nextInt(ROOMS.length)];
                metadata.put("room", room);
                text.put("room", room);
            }
            if (random.nextInt(3) == 0) {
                boolean paid = random.nextBoolean();
                if (random.nextBoolean()) {
                    metadata.put("paid", paid);
                } else {
                    metadata.put("paid", String.valueOf(paid));
                }
                text.put("paid", String.valueOf(paid));
            }
            if (random.nextInt(3) == 0) {
                correlationId = CORRELATION_IDS[random.nextInt(CORRELATION_IDS.length)];
                metadata.put("correlationId", correlationId);
                text.put("correlationId", correlationId);
            }
            if (random.nextInt(4) == 0) {
                metadata.putNull("room2");
                metadata.putObject("nested").put("orderId", 48213);
            }
        }
        sent.add(new Sent(message, timestamp, severity, null, correlationId, text));
        return event;
    }

    /** An OTLP/JSON log record: attributes go to metadata.attributes, so meta.<key> never sees them. */
    private static ObjectNode otlpRecord(Random random, Instant timestamp, String message, String[] traces, List<Sent> sent) {
        ObjectNode record = JSON.createObjectNode()
                .put("timeUnixNano", String.valueOf(timestamp.getEpochSecond() * 1_000_000_000L + timestamp.getNano()));
        record.putObject("body").put("stringValue", message);
        int severityNumber = random.nextInt(25);
        record.put("severityNumber", severityNumber);
        String traceId = null;
        if (random.nextInt(4) > 0) {
            traceId = traces[random.nextInt(traces.length)];
            record.put("traceId", traceId).put("spanId", hex(random, 16));
        }
        ArrayNode attributes = record.putArray("attributes");
        attributes.addObject().put("key", "orderId").putObject("value").put("intValue", ORDER_IDS[random.nextInt(ORDER_IDS.length)]);
        String correlationId = null;
        if (random.nextBoolean()) {
            correlationId = CORRELATION_IDS[random.nextInt(CORRELATION_IDS.length)];
            attributes.addObject().put("key", "correlationId").putObject("value").put("stringValue", correlationId);
        }
        sent.add(new Sent(message, timestamp, Severity.fromOtlpNumber(severityNumber), traceId, correlationId, Map.of()));
        return record;
    }

    private static String hex(Random random, int digits) {
        StringBuilder hex = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }
}
