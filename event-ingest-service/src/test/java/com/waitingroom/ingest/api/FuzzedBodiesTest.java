package com.waitingroom.ingest.api;

import static com.waitingroom.ingest.auth.Tokens.asWriter;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Random hostile bodies must never produce a 5xx; the seed is fixed so a failure can be replayed. */
@QuarkusTest
class FuzzedBodiesTest {

    private static final String[] VALUES = { "null", "true", "-1", "1e999", "1.5", "\"\"", "\"x\"", "[]", "{}", "[1,{}]",
            "\"\\u0000\"", "\"\\ud800\"", "9223372036854775808", "-0", "\"2026-01-01T00:00:00\"", "\"2026-13-45T99:99:99Z\"" };
    private static final String[] FIELDS = { "timestamp", "service", "message", "metadata", "eventId", "extra", "", "\\u0000" };

    @Test
    void hostileBodiesNeverCause5xx() {
        Random random = new Random(20261123L);
        String now = Instant.now().toString();
        List<String> bodies = new ArrayList<>(List.of(
                "{", "}", "[", "{\"a\"", "nul", "\u00ff\u00fe", "[[[[[[[[[[", "{\"timestamp\":\"" + now + "\"",
                "{\"timestamp\":\"" + now + "\",\"service\":\"s\",\"message\":\"" + "m".repeat(100_000) + "\"}",
                "{\"timestamp\":\"" + now + "\",\"service\":\"s\",\"message\":\"m\",\"metadata\":" + "{\"a\":".repeat(200) + "1" + "}".repeat(200) + "}",
                "{\"timestamp\":\"" + now + "\",\"service\":\"s\",\"message\":\"m\",\"metadata\":{\"big\":\"" + "x".repeat(20_000) + "\"}}",
                "[" + "{},".repeat(999) + "{}]",
                "1".repeat(5000),
                "\"" + "\\u".repeat(10) + "\""));
        for (int i = 0; i < 120; i++) {
            bodies.add(randomBody(random, now));
        }
        for (String body : bodies) {
            for (String contentType : new String[] { "application/json", "application/x-ndjson" }) {
                Response response = asWriter().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8)).post("/events");
                assertTrue(response.statusCode() < 500, "status " + response.statusCode() + " for body: " + abbreviate(body)
                        + "\n" + response.asString());
                if (response.statusCode() >= 400) {
                    assertTrue(response.contentType().startsWith("application/problem+json"), abbreviate(body));
                }
            }
        }
        // random bytes, including invalid UTF-8
        for (int i = 0; i < 50; i++) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            int status = asWriter().contentType("application/json").body(bytes).post("/events").statusCode();
            assertTrue(status < 500, "status " + status + " for random bytes");
        }
    }

    private static String randomBody(Random random, String now) {
        StringBuilder body = new StringBuilder();
        boolean array = random.nextBoolean();
        int items = array ? 1 + random.nextInt(4) : 1;
        if (array) {
            body.append('[');
        }
        for (int i = 0; i < items; i++) {
            body.append(i == 0 ? "" : ",").append('{');
            int fields = random.nextInt(6);
            for (int f = 0; f < fields; f++) {
                String field = FIELDS[random.nextInt(FIELDS.length)];
                String value = switch (random.nextInt(4)) {
                case 0 -> "\"" + now + "\"";
                case 1 -> "\"" + "s".repeat(random.nextInt(3000)) + "\"";
                default -> VALUES[random.nextInt(VALUES.length)];
                };
                body.append(f == 0 ? "" : ",").append('"').append(field).append("\":").append(value);
            }
            body.append('}');
        }
        if (array) {
            body.append(']');
        }
        String text = body.toString();
        if (random.nextInt(5) == 0 && text.length() > 2) {
            text = text.substring(0, random.nextInt(text.length())); // truncated
        }
        return text;
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
