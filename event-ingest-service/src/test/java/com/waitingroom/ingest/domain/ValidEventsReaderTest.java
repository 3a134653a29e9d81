package com.waitingroom.ingest.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Differential test of the two ways {@link EventParser} reads a body: the token reader for valid bodies
 * ({@link ValidEventsReader}) against the tree parser that reports errors. On random bodies, valid and
 * not, built from the shapes producers send and the ones the rules refuse: the reader accepts exactly the
 * bodies the tree parser accepts, and makes the same events of them.
 */
class ValidEventsReaderTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final int MAX_ITEMS = 4;
    private final EventParser parser = new EventParser(Clock.fixed(NOW, ZoneOffset.UTC), MAX_ITEMS, 30, Duration.ofHours(24));
    private final ValidEventsReader reader = new ValidEventsReader(new EventParser.Limits(MAX_ITEMS, 30, Duration.ofHours(24)));

    @Property(tries = 3000)
    void jsonBodiesAreAcceptedExactlyWhenTheTreeParserAcceptsThem(@ForAll("jsonBodies") String text) {
        compare(text, parser::parseJsonReportingErrors, body -> reader.readJson(body, NOW));
    }

    @Property(tries = 1500)
    void ndjsonBodiesAreAcceptedExactlyWhenTheTreeParserAcceptsThem(@ForAll("ndjsonBodies") String text) {
        compare(text, parser::parseNdjsonReportingErrors, body -> reader.readNdjson(body, NOW));
    }

    private static void compare(String text, Function<byte[], EventParser.Parsed> treeParser,
            Function<byte[], EventParser.Parsed> tokenReader) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        Outcome tree = Outcome.of(() -> treeParser.apply(body));
        check(text, tree, tokenReader.apply(body));
        coverBothOutcomes(tree);
    }

    /** Fails the property when the bodies were (nearly) all valid or all invalid: then it would prove little. */
    private static void coverBothOutcomes(Outcome tree) {
        Statistics.collect(tree.parsed != null ? "valid" : "invalid");
        Statistics.coverage(coverage -> {
            coverage.check("valid").percentage(p -> p >= 20);
            coverage.check("invalid").percentage(p -> p >= 20);
        });
    }

    /**
     * Bytes that are not plain UTF-8 text: a byte-order mark, UTF-16, overlong and invalid UTF-8. Both paths must
     * decode them alike (NDJSON: the tree parser decodes the body with Java's decoder, U+FFFD for what is invalid).
     */
    @Example
    void bodiesThatAreNotPlainUtf8AreDecodedAsTheTreeParserDecodesThem() {
        String event = "{\"timestamp\":\"2026-03-10T12:00:00Z\",\"service\":\"s\",\"message\":\"m\"}";
        byte[] plain = event.getBytes(StandardCharsets.UTF_8);
        List<byte[]> bodies = List.of(
                concat(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }, plain), // BOM
                concat(plain, "\n".getBytes(StandardCharsets.UTF_8), new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }, plain),
                event.getBytes(StandardCharsets.UTF_16LE),
                concat(new byte[] { (byte) 0xFF, (byte) 0xFE }, event.getBytes(StandardCharsets.UTF_16LE)),
                event.replace("\"m\"", "\"@@\"").getBytes(StandardCharsets.UTF_8), // patched below: overlong "a"
                event.replace("\"service\"", "\"servic@@\"").getBytes(StandardCharsets.UTF_8), // overlong "e" in a key
                event.replace("\"m\"", "\"x\u00ffy\"").getBytes(StandardCharsets.ISO_8859_1)); // a lone 0xFF byte
        overlong(bodies.get(4), (byte) 0xA1);
        overlong(bodies.get(5), (byte) 0xA5);
        for (byte[] body : bodies) {
            String shown = java.util.HexFormat.of().formatHex(body);
            check(shown, Outcome.of(() -> parser.parseNdjsonReportingErrors(body)), reader.readNdjson(body, NOW));
            check(shown, Outcome.of(() -> parser.parseJsonReportingErrors(body)), reader.readJson(body, NOW));
        }
    }

    /** Replaces the "@@" in a body by the overlong (invalid) two-byte UTF-8 form C1 xx of an ASCII letter. */
    private static void overlong(byte[] body, byte second) {
        for (int i = 0; i + 1 < body.length; i++) {
            if (body[i] == '@' && body[i + 1] == '@') {
                body[i] = (byte) 0xC1;
                body[i + 1] = second;
                return;
            }
        }
        throw new IllegalArgumentException("no @@ in the body");
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** The parser's public methods give the tree parser's answer either way (events, or the same errors). */
    @Property(tries = 600)
    void theParserAnswersAsTheTreeParser(@ForAll("jsonBodies") String json, @ForAll("ndjsonBodies") String ndjson) {
        sameAnswer(json, parser::parseJsonReportingErrors, parser::parseJson);
        sameAnswer(ndjson, parser::parseNdjsonReportingErrors, parser::parseNdjson);
    }

    private static void sameAnswer(String text, Function<byte[], EventParser.Parsed> treeParser,
            Function<byte[], EventParser.Parsed> parse) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        Outcome tree = Outcome.of(() -> treeParser.apply(body));
        Outcome both = Outcome.of(() -> parse.apply(body));
        assertEquals(tree.code, both.code, text);
        assertEquals(tree.errors, both.errors, text);
        if (tree.parsed != null) {
            assertSameEvents(text, tree.parsed, both.parsed);
        }
    }

    private static void check(String text, Outcome tree, EventParser.Parsed fast) {
        if (tree.parsed == null) {
            assertNull(fast, "accepted a body the tree parser refuses (" + tree.code + " " + tree.errors + "): " + text);
        } else {
            assertNotNull(fast, "declined a body the tree parser accepts: " + text);
            assertSameEvents(text, tree.parsed, fast);
        }
    }

    private static void assertSameEvents(String text, EventParser.Parsed expected, EventParser.Parsed actual) {
        assertEquals(expected.batch(), actual.batch(), text);
        assertEquals(expected.events().size(), actual.events().size(), text);
        for (int i = 0; i < expected.events().size(); i++) {
            IngestEvent want = expected.events().get(i);
            IngestEvent got = actual.events().get(i);
            if (text.contains("\"eventId\":\"")) {
                // a client's id is kept; a missing or null one gets a new UUIDv7 on either path
                assertTrue(want.eventId().equals(got.eventId()) || isServerId(want.eventId()) && isServerId(got.eventId()), text);
            } else {
                assertTrue(isServerId(got.eventId()), text);
            }
            assertEquals(want.timestamp(), got.timestamp(), text);
            assertEquals(want.timestamp().getOffset(), got.timestamp().getOffset(), text);
            assertEquals(want.service(), got.service(), text);
            assertEquals(want.message(), got.message(), text);
            assertEquals(want.metadataJson(), got.metadataJson(), text);
            assertEquals(want.severity(), got.severity(), text);
            assertNull(got.traceId());
            assertNull(got.spanId());
        }
    }

    private static boolean isServerId(String id) {
        return id.length() == 36 && UUID.fromString(id).version() == 7;
    }

    /** What the tree parser made of a body: its events, or its error code and fields. */
    private record Outcome(EventParser.Parsed parsed, String code, List<String> errors) {
        static Outcome of(Supplier<EventParser.Parsed> parse) {
            try {
                return new Outcome(parse.get(), null, null);
            } catch (InvalidEventsException e) {
                return new Outcome(null, e.status() + " " + e.code(),
                        e.errors().stream().map(error -> error.field() + ": " + error.message()).toList());
            }
        }
    }

    // ---- bodies: each generator draws either from valid values only (clean) or from anything ----

    @Provide
    Arbitrary<String> jsonBodies() {
        Arbitrary<String> anyEvent = Arbitraries.oneOf(event(true), event(false));
        Arbitrary<String> cleanItems = event(true).list().ofMinSize(1).ofMaxSize(MAX_ITEMS).map(ValidEventsReaderTest::array);
        Arbitrary<String> anyItems = anyEvent.list().ofMinSize(0).ofMaxSize(MAX_ITEMS + 1).map(ValidEventsReaderTest::array);
        return Arbitraries.frequencyOf(
                Tuple.of(15, event(true)),
                Tuple.of(10, event(false)),
                Tuple.of(30, cleanItems),
                Tuple.of(25, anyItems),
                Tuple.of(3, Arbitraries.of("", " ", "null", "42", "\"text\"", "[]", "[1]", "[null]", "{}", "[{}]")),
                Tuple.of(5, Arbitraries.oneOf(anyEvent, cleanItems).map(body -> body + " {}")), // trailing tokens
                Tuple.of(5, Arbitraries.oneOf(anyEvent, cleanItems).map(body -> body.substring(0, body.length() / 2))), // cut short
                Tuple.of(4, Arbitraries.oneOf(anyEvent, cleanItems).map(body -> " \n" + body + "\r\n ")));
    }

    private static String array(List<String> items) {
        return "[" + String.join(",", items) + "]";
    }

    @Provide
    Arbitrary<String> ndjsonBodies() {
        Arbitrary<String> separator = Arbitraries.frequency(Tuple.of(12, "\n"), Tuple.of(4, "\r\n"), Tuple.of(1, "\n\n"),
                Tuple.of(1, "\n \n"));
        Arbitrary<String> ending = Arbitraries.frequency(Tuple.of(5, ""), Tuple.of(5, "\n"), Tuple.of(3, "\r\n"),
                Tuple.of(1, "\n\n"), Tuple.of(1, " "));
        Arbitrary<String> line = Arbitraries.frequencyOf(Tuple.of(30, event(true)), Tuple.of(12, event(false)),
                Tuple.of(1, Arbitraries.of("[]", "42", "{} {}", "{", " ")));
        return Arbitraries.frequencyOf(
                Tuple.of(20, line.list().ofMinSize(1).ofMaxSize(MAX_ITEMS + 1).flatMap(lines -> separator.list()
                        .ofSize(lines.size()).flatMap(seps -> ending.map(end -> join(lines, seps) + end)))),
                Tuple.of(1, Arbitraries.of("", "\n", "\r\n", " ")));
    }

    private static String join(List<String> lines, List<String> separators) {
        StringBuilder out = new StringBuilder(lines.get(0));
        for (int i = 1; i < lines.size(); i++) {
            out.append(separators.get(i)).append(lines.get(i));
        }
        return out.toString();
    }

    private static <T> Arbitrary<T> pick(boolean clean, Arbitrary<T> valid, Arbitrary<T> invalid) {
        return clean ? valid : Arbitraries.frequencyOf(Tuple.of(3, valid), Tuple.of(1, invalid));
    }

    private Arbitrary<String> event(boolean clean) {
        Arbitrary<String> field = Arbitraries.frequencyOf(
                Tuple.of(2, eventId(clean).map(v -> "\"eventId\":" + v)),
                Tuple.of(2, severity(clean).map(v -> "\"severity\":" + v)),
                Tuple.of(4, metadata(clean).map(v -> "\"metadata\":" + v)),
                Tuple.of(clean ? 0 : 1, Arbitraries.of("\"extra\":1", "\"Service\":\"s\"", "\"timestamp\":null",
                        "\"service\":\"again\"")));
        Arbitrary<String> missing = pick(clean, Arbitraries.just(""), Arbitraries.of("timestamp", "service", "message"));
        return missing.flatMap(left -> timestamp(clean).flatMap(ts -> text(clean, 100).flatMap(service -> text(clean, 2000)
                .flatMap(message -> field.list().ofMaxSize(3).map(optional -> {
                    StringBuilder object = new StringBuilder("{");
                    if (!left.equals("timestamp")) {
                        object.append("\"timestamp\":").append(ts);
                    }
                    if (!left.equals("service")) {
                        object.append(object.length() > 1 ? "," : "").append("\"service\":").append(service);
                    }
                    for (String extra : optional) { // a field drawn twice is a duplicate key
                        object.append(object.length() > 1 ? "," : "").append(extra);
                    }
                    if (!left.equals("message")) {
                        object.append(object.length() > 1 ? "," : "").append("\"message\":").append(message);
                    }
                    return object.append('}').toString();
                })))));
    }

    private static Arbitrary<String> timestamp(boolean clean) {
        long now = NOW.toEpochMilli();
        Arbitrary<String> valid = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("\"2026-03-10T12:00:00Z\"", "\"2026-03-10T11:59:59.123Z\"",
                        "\"2026-03-10T13:00:00.123456789+01:00\"", "\"2026-03-09T23:00:00.5-05:30\"",
                        "\"2026-02-08T00:00:00Z\"", "\"2026-03-11T11:59:59.999999Z\"", "\"2026-03-10T12:00:00.1+00:00\"")),
                Tuple.of(1, Arbitraries.longs().between(now - 29L * 86_400_000, now + 86_000_000).map(Object::toString)));
        Arbitrary<String> invalid = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.longs().between(now - 40L * 86_400_000, now + 2 * 86_400_000).map(Object::toString)),
                Tuple.of(3, Arbitraries.of("\"2026-03-10T12:00Z\"", "\"2026-03-10t12:00:00z\"", "\"2026-03-10T12:00:00\"",
                        "\"2026-02-30T12:00:00Z\"", "\"2020-01-01T00:00:00Z\"", "\"2026-03-12T12:00:00Z\"", "\"yesterday\"",
                        "\"\"", "null", "true", "1.773144E12", "99999999999999999999", "253402300800000", "-1", "{}", "[]")));
        return pick(clean, valid, invalid);
    }

    private static Arbitrary<String> text(boolean clean, int max) {
        Arbitrary<String> valid = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.of("\"s\"", "\"api-service\"", "\"queue event 7\"", "\"caf\\u00e9 \\\"quoted\\\"\"",
                        "\"line\\nbreak\"", "\"\\ud83d\\ude00 emoji\"", "\"  padded  \"", "\"é directly\"")),
                Tuple.of(1, Arbitraries.just("\"" + "x".repeat(max) + "\"")));
        Arbitrary<String> invalid = Arbitraries.of("\"" + "x".repeat(max + 1) + "\"", "\"\"", "\"   \"", "\"a\\u0000b\"",
                "\"\\ud800\"", "\"\\udc00x\"", "null", "7", "[]", "{\"a\":1}", "false");
        return pick(clean, valid, invalid);
    }

    private static Arbitrary<String> eventId(boolean clean) {
        Arbitrary<String> valid = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(1).ofMaxLength(12).map(id -> "\"" + id + "\"")),
                Tuple.of(1, Arbitraries.of("\"" + "i".repeat(100) + "\"", "null")));
        Arbitrary<String> invalid = Arbitraries.of("\"" + "i".repeat(101) + "\"", "\"\"", "\"a b\"", "\"a/b\"", "\"é\"", "5", "true");
        return pick(clean, valid, invalid);
    }

    private static Arbitrary<String> severity(boolean clean) {
        return pick(clean, Arbitraries.of("\"warning\"", "\"WARN\"", "\" error \"", "\"fatal\"", "null"),
                Arbitraries.of("\"loud\"", "\"\"", "3", "[]"));
    }

    private static Arbitrary<String> metadata(boolean clean) {
        Arbitrary<String> valid = Arbitraries.frequencyOf(
                Tuple.of(12, jsonObject(1, true)),
                Tuple.of(2, Arbitraries.of("null", "{}", "{\"big\":\"" + "m".repeat(16 * 1024 - 10) + "\"}")),
                Tuple.of(1, Arbitraries.integers().between(95, 100).map(ValidEventsReaderTest::manyKeys)));
        Arbitrary<String> invalid = Arbitraries.frequencyOf(
                Tuple.of(6, jsonObject(1, false)),
                Tuple.of(2, Arbitraries.of("[]", "\"text\"", "1", "{\"a\":1,\"a\":2}", "{\"k\\u0000\":1}", "{\"n\":1e5000}",
                        "{\"n\":1e-5000}", "{\"big\":\"" + "m".repeat(16 * 1024) + "\"}")),
                Tuple.of(1, Arbitraries.integers().between(101, 105).map(ValidEventsReaderTest::manyKeys)),
                // more than 100 keys in all, none of its objects over 100
                Tuple.of(1, Arbitraries.integers().between(48, 52).map(n -> "{\"a\":" + manyKeys(n) + ",\"b\":" + manyKeys(n) + "}")));
        return pick(clean, valid, invalid);
    }

    private static String manyKeys(int keys) {
        StringBuilder object = new StringBuilder("{");
        for (int i = 0; i < keys; i++) {
            object.append(i > 0 ? "," : "").append("\"k").append(i).append("\":").append(i);
        }
        return object.append('}').toString();
    }

    /** An object of depth {@code depth} (1 = metadata itself); clean: distinct keys, legal values, depth at most 5. */
    private static Arbitrary<String> jsonObject(int depth, boolean clean) {
        Arbitrary<String> key = clean
                ? Arbitraries.of("a", "b", "room", "n", "caf\\u00e9", "x\\ty", "k1", "k2", "k3", "k4", "k5", "k6")
                : Arbitraries.frequency(Tuple.of(10, "a"), Tuple.of(10, "b"), Tuple.of(5, "n"), Tuple.of(1, "\\ud800"));
        Arbitrary<List<String>> keys = clean ? key.list().uniqueElements().ofMaxSize(10) : key.list().ofMaxSize(10);
        // 9+ keys take the reader's set look-up for duplicates
        return keys.flatMap(names -> jsonValue(depth, clean).list().ofSize(names.size()).map(values -> {
            StringBuilder object = new StringBuilder("{");
            for (int i = 0; i < names.size(); i++) {
                object.append(i > 0 ? "," : "").append('"').append(names.get(i)).append("\":").append(values.get(i));
            }
            return object.append('}').toString();
        }));
    }

    /** A value inside a container of depth {@code depth}. */
    private static Arbitrary<String> jsonValue(int depth, boolean clean) {
        Arbitrary<String> scalar = clean
                ? Arbitraries.of("1", "-0", "0", "2147483648", "-9223372036854775809", "123456789012345678901234567890", "1.50",
                        "100.0", "-0.0", "1E+2", "1e3", "2.5e-7", "0.1000000000000000055511151231257827", "1e999", "true", "false",
                        "null", "\"text\"", "\"\"", "\"tab\\there\"", "\"\\u001f\"", "\"\\ud83d\\ude00\"")
                : Arbitraries.of("1", "1.50", "\"\\u0000\"", "\"\\udfff\"", "1e1001", "\"x\"");
        int deepest = clean ? 5 : 7;
        if (depth >= deepest) {
            return scalar;
        }
        return Arbitraries.frequencyOf(
                Tuple.of(8, scalar),
                Tuple.of(2, Arbitraries.lazy(() -> jsonObject(depth + 1, clean))),
                Tuple.of(1, Arbitraries.lazy(() -> jsonValue(depth + 1, clean).list().ofMaxSize(3)
                        .map(items -> "[" + String.join(",", items) + "]"))));
    }
}
