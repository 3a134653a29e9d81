package com.waitingroom.kernel;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventIdsTest {

    @Test
    void idsAreVersion7WithTheRfcVariantAndTheirMillisecond() {
        Instant now = Instant.parse("2026-11-23T10:15:30.123Z");
        UUID id = EventIds.newId(now);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(now.toEpochMilli(), id.getMostSignificantBits() >>> 16);
    }

    @Test
    void laterMillisecondsSortAfterEarlierOnesAndIdsDoNotRepeat() {
        Instant earlier = Instant.parse("2026-11-23T10:15:30.123Z");
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            UUID first = EventIds.newId(earlier);
            UUID second = EventIds.newId(earlier.plusMillis(1));
            // PostgreSQL compares uuid bytes unsigned, left to right: the string order is the same
            assertTrue(first.toString().compareTo(second.toString()) < 0);
            assertTrue(seen.add(first) && seen.add(second));
        }
    }
}
