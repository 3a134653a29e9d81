package com.waitingroom.ingest.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.waitingroom.ingest.domain.IngestEvent;

import io.vertx.sqlclient.Tuple;

/**
 * The one statement a group-commit flush sends: the events as arrays for {@code INSERT … SELECT FROM
 * unnest(…)}, and in the same statement (so in the same transaction) the per-minute summary counts.
 *
 * <p>Two shapes. The usual one: a plain INSERT (duplicates are rare and ON CONFLICT's speculative insertion
 * costs per row), where every row is inserted or the statement fails as a whole, so the counts are
 * computed here, one array entry per (service, minute), and PostgreSQL only upserts those few rows.
 * Until issue 20 PostgreSQL derived them from the inserted rows (RETURNING, then GROUP BY), which cost
 * it ~0.5–1 µs per row. After a unique violation the batch is redone skipping what is stored
 * ({@code ON CONFLICT DO NOTHING}); only PostgreSQL knows which rows were new then, so that shape
 * still counts the rows RETURNING gives back.
 */
final class BatchInsert {

    private static final String EVENT_ROWS = """
            INSERT INTO ingest_events (event_id, ts, service, message, metadata, severity, trace_id, span_id)
                SELECT event_id, ts, service, message, metadata::jsonb, severity, trace_id, span_id
                FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[],
                            $7::text[], $8::text[], $9::text[])
                     AS input(event_id, ts, service, message, metadata, severity, trace_id, span_id)""";

    private static final String UPSERT_COUNTS = """
            ON CONFLICT (minute, service, slot) DO UPDATE SET events = ingest_event_counts.events + excluded.events""";

    /** $10–$12: the counts per (service, minute) of this batch; the statement's row count is the rows inserted. */
    static final String INSERT_SQL = """
            WITH counted AS (
                INSERT INTO ingest_event_counts (service, minute, slot, events)
                SELECT service, minute, $6, events FROM unnest($10::text[], $11::timestamptz[], $12::int8[]) AS c(service, minute, events)
                %s
            )
            %s""".formatted(UPSERT_COUNTS, EVENT_ROWS);

    /** After a unique violation: skips the rows already stored and counts only the new ones. */
    static final String INSERT_IGNORING_DUPLICATES_SQL = """
            WITH inserted AS (
                %s
                ON CONFLICT DO NOTHING
                RETURNING service, ts
            ), counted AS (
                INSERT INTO ingest_event_counts (service, minute, slot, events)
                SELECT service, date_trunc('minute', ts), $6, count(*) FROM inserted GROUP BY 1, 2
                %s
            )
            SELECT count(*) AS inserted FROM inserted""".formatted(EVENT_ROWS, UPSERT_COUNTS);

    private BatchInsert() {
    }

    static String sql(boolean ignoreDuplicates) {
        return ignoreDuplicates ? INSERT_IGNORING_DUPLICATES_SQL : INSERT_SQL;
    }

    /** $1–$12 of either statement ($10–$12 are unused by the ignoring-duplicates one, which counts itself). */
    static Tuple parameters(List<PendingWrite> batch, int rows, int slot, boolean ignoreDuplicates) {
        String[] ids = new String[rows];
        OffsetDateTime[] timestamps = new OffsetDateTime[rows];
        String[] services = new String[rows];
        String[] messages = new String[rows];
        String[] metadata = new String[rows];
        String[] severities = new String[rows];
        String[] traceIds = new String[rows];
        String[] spanIds = new String[rows];
        int i = 0;
        for (PendingWrite write : batch) {
            for (IngestEvent event : write.events) {
                ids[i] = event.eventId();
                timestamps[i] = event.timestamp();
                services[i] = event.service();
                messages[i] = event.message();
                metadata[i] = event.metadataJson();
                severities[i] = event.severity();
                traceIds[i] = event.traceId();
                spanIds[i] = event.spanId();
                i++;
            }
        }
        Tuple params = Tuple.of(ids, timestamps, services, messages, metadata, slot)
                .addValue(severities).addValue(traceIds).addValue(spanIds);
        if (!ignoreDuplicates) {
            MinuteCounts counts = MinuteCounts.of(services, timestamps);
            params.addValue(counts.services).addValue(counts.minutes).addValue(counts.events);
        }
        return params;
    }

    /** Events per (service, minute of the timestamp, UTC), as three parallel arrays, each key once. */
    record MinuteCounts(String[] services, OffsetDateTime[] minutes, Long[] events) {

        static MinuteCounts of(String[] services, OffsetDateTime[] timestamps) {
            Map<Key, long[]> counts = new HashMap<>();
            // the batch is usually a few services in the current minute: remember the last key. Minutes are
            // compared as epoch minutes: truncating and comparing OffsetDateTimes did the calendar arithmetic
            // three times per row (a profile's top frame in a batch of 500, issue 20)
            Key last = null;
            long[] lastCount = null;
            for (int i = 0; i < services.length; i++) {
                long minute = Math.floorDiv(timestamps[i].toEpochSecond(), 60);
                if (last == null || last.epochMinute != minute || !last.service.equals(services[i])) {
                    last = new Key(services[i], minute);
                    lastCount = counts.computeIfAbsent(last, key -> new long[1]);
                }
                lastCount[0]++;
            }
            String[] keyServices = new String[counts.size()];
            OffsetDateTime[] keyMinutes = new OffsetDateTime[counts.size()];
            Long[] events = new Long[counts.size()];
            int k = 0;
            for (Map.Entry<Key, long[]> entry : counts.entrySet()) {
                keyServices[k] = entry.getKey().service;
                keyMinutes[k] = OffsetDateTime.ofInstant(Instant.ofEpochSecond(entry.getKey().epochMinute * 60), ZoneOffset.UTC);
                events[k] = entry.getValue()[0];
                k++;
            }
            return new MinuteCounts(keyServices, keyMinutes, events);
        }

        private record Key(String service, long epochMinute) {
        }
    }
}
