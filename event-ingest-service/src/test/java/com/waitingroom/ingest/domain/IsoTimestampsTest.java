package com.waitingroom.ingest.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fast path must agree with {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} on every input. */
class IsoTimestampsTest {

    private static final List<String> EDGE_CASES = List.of(
            "2026-01-31T10:15:30Z", "2026-01-31T10:15:30.123Z", "2026-01-31T10:15:30.1Z",
            "2026-01-31T10:15:30.123456789Z", "2026-01-31T10:15:30.1234567891Z", "2026-01-31T10:15:30.Z",
            "2026-01-31T10:15:30+02:00", "2026-01-31T10:15:30.5-05:30", "2026-01-31T10:15:30+18:00",
            "2026-01-31T10:15:30+18:01", "2026-01-31T10:15:30-18:00", "2026-01-31T10:15:30+19:00",
            "2026-01-31T10:15:30+02:60", "2026-01-31T10:15:30+00:00", "2026-01-31T10:15:30-00:00",
            "2026-01-31T10:15:30+02:00:30", "2026-01-31T10:15:30+0200", "2026-01-31T10:15:30+02",
            "2026-02-29T10:15:30Z", "2024-02-29T10:15:30Z", "2026-02-30T10:15:30Z", "2026-13-01T10:15:30Z",
            "2026-00-01T10:15:30Z", "2026-01-00T10:15:30Z", "2026-04-31T00:00:00Z", "2026-01-31T24:00:00Z",
            "2026-01-31T23:60:00Z", "2026-01-31T23:59:60Z", "2026-01-31t10:15:30Z", "2026-01-31T10:15:30z",
            "2026-01-31T10:15Z", "2026-01-31T10:15+01:00", "2026-01-31 10:15:30Z", "2026-01-31T10:15:30",
            "2026-01-31T10:15:30ZZ", "2026-01-31T10:15:30Z ", " 2026-01-31T10:15:30Z", "+12026-01-31T10:15:30Z",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "-0001-01-01T00:00:00Z",
            "2026-1-31T10:15:30Z", "2026-01-31T1:15:30Z", "2026-01-31T10:15:3Z", "２０２６-01-31T10:15:30Z",
            "2026-01-31T10:15:30.12a Z", "2026-01-31T10:15:30+0a:00", "", "Z", "2026-01-31T10:15:30[Europe/Paris]",
            "2026-01-31T10:15:30+01:00[Europe/Paris]");

    @Test
    void agreesWithTheFormatterOnEdgeCases() {
        for (String text : EDGE_CASES) {
            assertSameAsFormatter(text);
        }
    }

    @Test
    void agreesWithTheFormatterOnRandomTimestamps() {
        Random random = new Random(42);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            LocalDateTime local = LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1_000_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(36 * 4 + 1) - 18 * 4) * 15 * 60);
            String text = OffsetDateTime.of(local, offset).toString();
            texts.add(text);
            // and some damaged copies: one character replaced
            char[] chars = text.toCharArray();
            chars[random.nextInt(chars.length)] = "0123456789:-+.TZtz x".charAt(random.nextInt(20));
            texts.add(new String(chars));
        }
        for (String text : texts) {
            assertSameAsFormatter(text);
        }
    }

    @Test
    void theCommonShapeTakesTheFastPath() {
        assertNotNull(IsoTimestamps.parseCommonShape("2026-01-31T10:15:30.123Z"));
        assertNotNull(IsoTimestamps.parseCommonShape("2026-01-31T10:15:30+02:00"));
        assertNull(IsoTimestamps.parseCommonShape("2026-01-31T10:15Z"), "omitted seconds are left to the formatter");
    }

    @Test
    void utcMatchesOffsetDateTimeOfInstant() {
        Instant instant = Instant.parse("2026-01-31T10:15:30.123456Z");
        assertEquals(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC), IsoTimestamps.utc(instant));
        Instant beforeEpoch = Instant.parse("1960-06-01T00:00:00.5Z");
        assertEquals(OffsetDateTime.ofInstant(beforeEpoch, ZoneOffset.UTC), IsoTimestamps.utc(beforeEpoch));
    }

    private static void assertSameAsFormatter(String text) {
        Instant expected;
        try {
            expected = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            assertThrows(DateTimeParseException.class, () -> IsoTimestamps.parse(text), text);
            return;
        }
        assertEquals(expected, IsoTimestamps.parse(text), text);
    }
}
