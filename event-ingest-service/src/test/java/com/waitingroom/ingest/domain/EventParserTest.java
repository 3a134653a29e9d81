package com.waitingroom.ingest.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class EventParserTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private final EventParser parser = new EventParser(Clock.fixed(NOW, ZoneOffset.UTC), 3, 30, Duration.ofHours(24));

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void normalisesTimestampsToUtcMicroseconds() {
        IngestEvent event = parser.parseJson(utf8(
                "{\"timestamp\":\"2026-03-10T13:00:00.123456789+01:00\",\"service\":\"s\",\"message\":\"m\"}")).events().get(0);
        assertEquals(OffsetDateTime.parse("2026-03-10T12:00:00.123456Z"), event.timestamp());
        assertEquals(ZoneOffset.UTC, event.timestamp().getOffset());
        assertNull(event.metadataJson());
        assertEquals(36, event.eventId().length(), "a server-side UUID when the client sends none");
    }

    @Test
    void serverAssignedIdsAreVersion7UuidsThatSortByArrivalTime() {
        String earlier = EventParser.newEventId(NOW);
        String later = EventParser.newEventId(NOW.plusMillis(1));
        UUID parsed = UUID.fromString(earlier);
        assertEquals(7, parsed.version());
        assertEquals(2, parsed.variant());
        assertEquals(NOW.toEpochMilli(), parsed.getMostSignificantBits() >>> 16, "the first 48 bits are the epoch millis");
        assertTrue(earlier.compareTo(later) < 0, earlier + " sorts before " + later);
        assertNotEquals(earlier, EventParser.newEventId(NOW), "random bits tell ids of the same millisecond apart");
    }

    @Test
    void anOptionalSeverityIsStoredNormalisedAndAnUnknownOneIsAFieldError() {
        assertEquals("WARN", parser.parseJson(utf8("{\"timestamp\":1773144000000,\"service\":\"s\",\"message\":\"m\","
                + "\"severity\":\"warning\"}")).events().get(0).severity());
        assertNull(parser.parseJson(utf8("{\"timestamp\":1773144000000,\"service\":\"s\",\"message\":\"m\"}")).events().get(0).severity());
        InvalidEventsException invalid = assertThrows(InvalidEventsException.class, () -> parser.parseJson(utf8(
                "{\"timestamp\":1773144000000,\"service\":\"s\",\"message\":\"m\",\"severity\":\"loud\"}")));
        assertEquals("severity", invalid.errors().get(0).field());
    }

    @Test
    void keepsClientEventIdsAndMetadataNumbersExactly() {
        IngestEvent event = parser.parseJson(utf8("{\"eventId\":\"abc-1\",\"timestamp\":1773144000000,\"service\":\"s\","
                + "\"message\":\"m\",\"metadata\":{\"price\":0.1000000000000000055511151231257827}}")).events().get(0);
        assertEquals("abc-1", event.eventId());
        assertEquals("{\"price\":0.1000000000000000055511151231257827}", event.metadataJson());
    }

    @Test
    void rejectsWhatPostgresqlWouldRefuse() {
        InvalidEventsException error = assertThrows(InvalidEventsException.class, () -> parser.parseJson(utf8(
                "{\"timestamp\":\"2026-03-10T12:00:00Z\",\"service\":\"a\\u0000b\",\"message\":\"\\ud800\","
                        + "\"metadata\":{\"n\":1e5000,\"k\\u0000\":1}}")));
        List<String> fields = error.errors().stream().map(FieldError::field).toList();
        assertTrue(fields.containsAll(List.of("service", "message", "metadata.n", "metadata.k\u0000")), fields.toString());
    }

    @Test
    void rejectsDuplicateKeysTrailingGarbageAndHugeNesting() {
        assertEquals("MALFORMED_JSON", assertThrows(InvalidEventsException.class,
                () -> parser.parseJson(utf8("{\"service\":\"a\",\"service\":\"b\"}"))).code());
        assertEquals("MALFORMED_JSON", assertThrows(InvalidEventsException.class,
                () -> parser.parseJson(utf8("{} {}"))).code());
        assertEquals("MALFORMED_JSON", assertThrows(InvalidEventsException.class,
                () -> parser.parseJson(utf8("[".repeat(10_000) + "]".repeat(10_000)))).code());
    }

    @Test
    void batchLimitIsEnforcedAs413() {
        String one = "{\"timestamp\":\"2026-03-10T12:00:00Z\",\"service\":\"s\",\"message\":\"m\"}";
        InvalidEventsException error = assertThrows(InvalidEventsException.class,
                () -> parser.parseJson(utf8("[" + one + "," + one + "," + one + "," + one + "]")));
        assertEquals(413, error.status());
        assertEquals(3, parser.parseJson(utf8("[" + one + "," + one + "," + one + "]")).events().size());
    }

    @Test
    void ndjsonAcceptsOneTrailingNewlineAndReportsEmptyLines() {
        String one = "{\"timestamp\":\"2026-03-10T12:00:00Z\",\"service\":\"s\",\"message\":\"m\"}";
        EventParser.Parsed parsed = parser.parseNdjson(utf8(one + "\r\n" + one + "\n"));
        assertEquals(2, parsed.events().size());
        assertTrue(parsed.batch());
        InvalidEventsException error = assertThrows(InvalidEventsException.class,
                () -> parser.parseNdjson(utf8(one + "\n\n" + one)));
        assertEquals(List.of(1), error.failedItems());
    }

    @Test
    void singleObjectIsNotABatch() {
        assertFalse(parser.parseJson(utf8("{\"timestamp\":\"2026-03-10T12:00:00Z\",\"service\":\"s\",\"message\":\"m\"}")).batch());
    }

    @Test
    void cursorRoundTripsAndRejectsGarbage() {
        PageCursor cursor = new PageCursor(OffsetDateTime.parse("2026-03-10T12:00:00.000001Z"), "id:with:colons");
        assertEquals(cursor, PageCursor.decode(cursor.encode()));
        assertThrows(IllegalArgumentException.class, () -> PageCursor.decode("bm90LWEtY3Vyc29y"));
    }
}
