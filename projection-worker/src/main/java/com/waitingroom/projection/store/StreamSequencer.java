package com.waitingroom.projection.store;

import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;
import static com.waitingroom.projection.store.ReadModelWriter.instant;
import static com.waitingroom.projection.store.ReadModelWriter.nextResultSet;

/**
 * Decides which events of a batch apply now, in which order: stream positions (locked FOR UPDATE
 * per aggregate, so workers sharing a queue serialize per aggregate), duplicates (version <= last),
 * gaps (closed from the event store, or the early event parked in parked_events until they close)
 * and parked queues (nothing applied, every new event kept; their earlier parked events are not even
 * loaded, and a redelivered one is dropped by its event id). Provides the positions' and parking's
 * statements for the writer's two multi-statement calls; the read-model tables are not its business.
 */
final class StreamSequencer {

    /** What the lock statements returned: positions (sorted), parked events and marked queues. */
    record Locked(Map<String, Long> positions, List<IncomingEvent> parked, Set<String> parkedQueues) {
    }

    /** The sequencing of one batch: what to apply (in order), park, drop, and the new positions. */
    record Plan(List<IncomingEvent> toApply, Map<String, Long> positions, List<IncomingEvent> newlyParked,
                List<UUID> resolvedParked, int duplicates, int gapFilled) {

        BatchOutcome outcome() {
            return new BatchOutcome(toApply, duplicates, newlyParked.size(), gapFilled);
        }
    }

    private final EventStoreReader store;
    private final EventCodec codec;

    StreamSequencer(EventStoreReader store, EventCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /**
     * Creates missing position rows and locks every position of the batch (sorted, so two workers
     * never deadlock); live, then reads its parked events and parked-queue marks, each statement
     * seeing what the previous lock holder committed. The first statement yields no result set.
     */
    static String lockSql(String schema, boolean live) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(schema)
                .append(".stream_positions (aggregate_id, last_version) SELECT id, 0 FROM unnest(?::text[]) AS id")
                .append(" ON CONFLICT (aggregate_id) DO NOTHING;")
                .append(" SELECT aggregate_id, last_version FROM ").append(schema)
                .append(".stream_positions WHERE aggregate_id = ANY(?::text[]) ORDER BY aggregate_id FOR UPDATE;");
        if (live) {
            // Not the parked events of a marked queue: they only pile up until it is resumed, and
            // decoding them in every batch that touches it would slow every other queue down.
            sql.append(" SELECT e.envelope, e.published_at FROM ").append(LIVE_SCHEMA)
                    .append(".parked_events e WHERE e.aggregate_id = ANY(?::text[]) AND NOT EXISTS (SELECT 1 FROM ")
                    .append(LIVE_SCHEMA).append(".parked_queues q WHERE q.aggregate_id = e.aggregate_id);")
                    .append(ParkedQueueMarks.selectMarked()).append(';');
        }
        return sql.toString();
    }

    static int bindLock(PreparedStatement statement, int index, Array aggregateIds, boolean live) throws SQLException {
        int parameters = live ? 4 : 2;
        for (int i = 0; i < parameters; i++) {
            statement.setArray(index++, aggregateIds);
        }
        return index;
    }

    /** Reads the result sets of {@link #lockSql}, which must be the next ones of the call. */
    Locked readLocked(PreparedStatement statement, boolean live) throws SQLException {
        Map<String, Long> positions = new LinkedHashMap<>();
        List<IncomingEvent> parked = new ArrayList<>();
        Set<String> parkedQueues = new HashSet<>();
        try (ResultSet rs = nextResultSet(statement)) {
            while (rs.next()) {
                positions.put(rs.getString(1), rs.getLong(2));
            }
        }
        if (live) {
            try (ResultSet rs = nextResultSet(statement)) {
                while (rs.next()) {
                    EventEnvelope envelope = codec.decode(rs.getString(1));
                    parked.add(new IncomingEvent(envelope, codec.payloadOf(envelope), instant(rs, 2)));
                }
            }
            try (ResultSet rs = nextResultSet(statement)) {
                while (rs.next()) {
                    parkedQueues.add(rs.getString(1));
                }
            }
        }
        return new Locked(positions, parked, parkedQueues);
    }

    /**
     * Per stream, in version order: only version = last + 1 applies; a gap is filled from the event
     * store if it holds the missing versions, else the events behind it are parked; a parked queue
     * applies nothing (gap filling would re-run its failing event) and keeps every new event.
     *
     * @param live false for a rebuild, where the store is the whole truth and a gap is an error
     */
    Plan plan(Connection connection, Locked locked, List<IncomingEvent> batch, boolean live) throws SQLException {
        Map<String, TreeMap<Long, IncomingEvent>> candidates = new LinkedHashMap<>();
        for (IncomingEvent event : batch) {
            candidates.computeIfAbsent(event.aggregateId(), k -> new TreeMap<>()).putIfAbsent(event.version(), event);
        }
        Set<UUID> parkedIds = new HashSet<>();
        for (IncomingEvent event : locked.parked()) {
            parkedIds.add(event.envelope().eventId());
            candidates.computeIfAbsent(event.aggregateId(), k -> new TreeMap<>()).putIfAbsent(event.version(), event);
        }

        Map<String, Long> positions = locked.positions();
        List<IncomingEvent> toApply = new ArrayList<>();
        List<IncomingEvent> toPark = new ArrayList<>();
        int duplicates = 0;
        int gapFilled = 0;
        Boolean storeExists = null;
        for (Map.Entry<String, TreeMap<Long, IncomingEvent>> stream : candidates.entrySet()) {
            String aggregateId = stream.getKey();
            long next = positions.get(aggregateId) + 1;
            if (locked.parkedQueues().contains(aggregateId)) {
                for (IncomingEvent event : stream.getValue().values()) {
                    if (event.version() < next) {
                        duplicates++;
                    } else {
                        toPark.add(event);
                    }
                }
                continue;
            }
            boolean blocked = false;
            for (IncomingEvent event : stream.getValue().values()) {
                long version = event.version();
                if (version < next) {
                    duplicates++;
                    continue;
                }
                if (!blocked && version > next) {
                    if (storeExists == null) {
                        storeExists = store.exists(connection);
                    }
                    if (storeExists) {
                        for (IncomingEvent missing : store.stream(connection, aggregateId, next, version - 1)) {
                            if (missing.version() != next) {
                                break;
                            }
                            toApply.add(missing);
                            gapFilled++;
                            next++;
                        }
                    }
                    blocked = version > next;
                }
                if (!blocked && version == next) {
                    toApply.add(event);
                    next++;
                } else {
                    toPark.add(event);
                }
            }
            positions.put(aggregateId, next - 1);
        }
        if (!live && !toPark.isEmpty()) {
            IncomingEvent first = toPark.get(0);
            throw new IllegalStateException("event store has a gap before " + first.aggregateId() + " v" + first.version());
        }

        List<IncomingEvent> newlyParked = new ArrayList<>();
        Set<UUID> stillParked = new HashSet<>();
        for (IncomingEvent event : toPark) {
            UUID id = event.envelope().eventId();
            stillParked.add(id);
            if (!parkedIds.contains(id)) {
                newlyParked.add(event);
            }
        }
        List<UUID> resolvedParked = new ArrayList<>();
        for (IncomingEvent event : locked.parked()) {
            UUID id = event.envelope().eventId();
            if (!stillParked.contains(id)) {
                resolvedParked.add(id);
            }
        }
        return new Plan(toApply, positions, newlyParked, resolvedParked, duplicates, gapFilled);
    }

    /**
     * Moves the positions; live, also drops the parked events that applied (or turned out to be
     * duplicates), parks the new ones and records the applied ids (inbox and lag samples).
     */
    static String writeSql(String schema, boolean live) {
        StringBuilder sql = new StringBuilder(positionsUpdate(schema)).append(';');
        if (live) {
            sql.append(" DELETE FROM ").append(LIVE_SCHEMA).append(".parked_events WHERE event_id = ANY(?::uuid[]);")
                    .append(" INSERT INTO ").append(LIVE_SCHEMA)
                    .append(".parked_events (event_id, aggregate_id, version, envelope, published_at)")
                    .append(" SELECT * FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::timestamptz[])")
                    .append(" ON CONFLICT (event_id) DO NOTHING;")
                    .append(" INSERT INTO ").append(LIVE_SCHEMA).append(".applied_events (event_id, aggregate_id,")
                    .append(" version, event_type, occurred_at, published_at, applied_at)")
                    .append(" SELECT u.*, clock_timestamp() FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::text[],")
                    .append(" ?::timestamptz[], ?::timestamptz[]) AS u ON CONFLICT (event_id) DO NOTHING;");
        }
        return sql.toString();
    }

    void bindWrite(ArrayBinder bind, Plan plan, boolean live) throws SQLException {
        List<Map.Entry<String, Long>> moved = new ArrayList<>(plan.positions().entrySet());
        bind.texts(moved, Map.Entry::getKey).longs(moved, Map.Entry::getValue).texts(moved, Map.Entry::getKey);
        if (live) {
            List<IncomingEvent> parked = plan.newlyParked();
            List<IncomingEvent> applied = plan.toApply();
            bind.texts(plan.resolvedParked(), UUID::toString);
            bind.texts(parked, e -> e.envelope().eventId().toString()).texts(parked, IncomingEvent::aggregateId)
                    .longs(parked, IncomingEvent::version)
                    .texts(parked, e -> codec.encodeToString(e.envelope()))
                    .instants(parked, IncomingEvent::publishedAt);
            bind.texts(applied, e -> e.envelope().eventId().toString()).texts(applied, IncomingEvent::aggregateId)
                    .longs(applied, IncomingEvent::version).texts(applied, e -> e.envelope().eventType())
                    .instants(applied, IncomingEvent::occurredAt).instants(applied, IncomingEvent::publishedAt);
        }
    }

    /**
     * The ANY lets the positions be found by primary key; joined with unnest alone, the cached
     * generic plan scanned the whole (update-bloated) table on every batch.
     */
    static String positionsUpdate(String schema) {
        return " UPDATE " + schema + ".stream_positions p SET last_version = k.version, updated_at = now()"
                + " FROM unnest(?::text[], ?::bigint[]) AS k(id, version)"
                + " WHERE p.aggregate_id = k.id AND p.aggregate_id = ANY(?::text[]) AND p.last_version <> k.version";
    }
}
