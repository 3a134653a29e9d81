package com.waitingroom.ingest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BatchInsertTest {

    private static OffsetDateTime at(String iso) {
        return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC);
    }

    @Test
    void countsEachServiceAndMinuteOnceWhateverTheOrder() {
        String[] services = { "a", "a", "b", "a", "b", "a" };
        OffsetDateTime[] timestamps = { at("2026-11-30T10:15:01Z"), at("2026-11-30T10:15:59.999999Z"),
                at("2026-11-30T10:15:30Z"), at("2026-11-30T10:16:00Z"), at("2026-11-30T10:15:00Z"),
                at("2026-11-30T10:15:20Z") };
        BatchInsert.MinuteCounts counts = BatchInsert.MinuteCounts.of(services, timestamps);
        Map<String, Long> byKey = new HashMap<>();
        for (int i = 0; i < counts.services().length; i++) {
            assertEquals(ZoneOffset.UTC, counts.minutes()[i].getOffset());
            byKey.merge(counts.services()[i] + "@" + counts.minutes()[i], counts.events()[i], Long::sum);
        }
        assertEquals(counts.services().length, byKey.size(), "each (service, minute) once: the upsert may touch a row only once");
        assertEquals(Map.of("a@2026-11-30T10:15Z", 3L, "a@2026-11-30T10:16Z", 1L, "b@2026-11-30T10:15Z", 2L), byKey);
    }
}
