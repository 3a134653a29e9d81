package com.waitingroom.projection.store;

import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.projection.domain.PatientRecord;
import com.waitingroom.projection.domain.PatientState;
import com.waitingroom.projection.domain.QueueRecord;
import com.waitingroom.projection.domain.ReadModelProjector;
import com.waitingroom.projection.domain.ReadModelState;
import com.waitingroom.projection.domain.StationRecord;
import com.waitingroom.projection.domain.TrajectoryStep;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Applies a batch of events to the read models of one schema inside the caller's transaction.
 * Order and idempotency come from stream_positions, locked FOR UPDATE per aggregate: only
 * version = last + 1 is applied, lower versions are duplicates, and a gap is closed from the event
 * store or the early event is parked (durably) until the gap closes. Two workers sharing a queue
 * therefore serialize per aggregate and converge on the same rows.
 */
public final class ReadModelWriter {

    public static final String LIVE_SCHEMA = "projection";
    public static final String SHADOW_SCHEMA = "projection_rebuild";
    /** The read-model tables a rebuild replaces (inputs like parked_events are not part of it). */
    public static final List<String> READ_MODEL_TABLES =
            List.of("stream_positions", "queues", "patients", "rooms", "cashier_desks", "patient_steps");

    private final ReadModelProjector projector = new ReadModelProjector();
    private final EventStoreReader store;
    private final EventCodec codec;

    public ReadModelWriter(EventStoreReader store, EventCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /**
     * @param parkGaps true for live consumption (park events ahead of a gap); false for a rebuild,
     *                 where the store is the whole truth and a gap is an error.
     */
    public BatchOutcome apply(Connection connection, String schema, List<IncomingEvent> batch, boolean parkGaps,
                              Collection<String> extraAggregates) throws SQLException {
        Set<String> aggregateIds = new TreeSet<>(extraAggregates);
        for (IncomingEvent event : batch) {
            aggregateIds.add(event.aggregateId());
        }
        if (aggregateIds.isEmpty()) {
            return new BatchOutcome(List.of(), 0, 0, 0);
        }
        Map<String, Long> positions = lockPositions(connection, schema, aggregateIds);

        Map<String, TreeMap<Long, IncomingEvent>> candidates = new LinkedHashMap<>();
        for (IncomingEvent event : batch) {
            candidates.computeIfAbsent(event.aggregateId(), k -> new TreeMap<>()).putIfAbsent(event.version(), event);
        }
        List<UUID> parkedIds = new ArrayList<>();
        if (parkGaps) {
            for (IncomingEvent parked : loadParked(connection, aggregateIds)) {
                parkedIds.add(parked.envelope().eventId());
                candidates.computeIfAbsent(parked.aggregateId(), k -> new TreeMap<>())
                        .putIfAbsent(parked.version(), parked);
            }
        }

        List<IncomingEvent> toApply = new ArrayList<>();
        List<IncomingEvent> toPark = new ArrayList<>();
        int duplicates = 0;
        int gapFilled = 0;
        Boolean storeExists = null;
        for (Map.Entry<String, TreeMap<Long, IncomingEvent>> stream : candidates.entrySet()) {
            String aggregateId = stream.getKey();
            long last = positions.get(aggregateId);
            long next = last + 1;
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
        if (!parkGaps && !toPark.isEmpty()) {
            IncomingEvent first = toPark.get(0);
            throw new IllegalStateException("event store has a gap before " + first.aggregateId() + " v" + first.version());
        }

        ReadModelState state = load(connection, schema, toApply, aggregateIds);
        for (IncomingEvent event : toApply) {
            projector.apply(state, event.envelope(), event.payload());
        }
        save(connection, schema, state);
        savePositions(connection, schema, positions);
        if (parkGaps) {
            reconcileParked(connection, parkedIds, toPark);
            recordApplied(connection, toApply);
        }
        int newlyParked = 0;
        Set<UUID> alreadyParked = new HashSet<>(parkedIds);
        for (IncomingEvent event : toPark) {
            if (!alreadyParked.contains(event.envelope().eventId())) {
                newlyParked++;
            }
        }
        return new BatchOutcome(toApply, duplicates, newlyParked, gapFilled);
    }

    private Map<String, Long> lockPositions(Connection connection, String schema, Set<String> aggregateIds)
            throws SQLException {
        Array ids = connection.createArrayOf("text", aggregateIds.toArray());
        // Sorted insert + sorted FOR UPDATE keeps two workers from deadlocking on the same streams.
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + schema
                + ".stream_positions (aggregate_id, last_version) SELECT id, 0 FROM unnest(?::text[]) AS id"
                + " ON CONFLICT (aggregate_id) DO NOTHING")) {
            insert.setArray(1, ids);
            insert.executeUpdate();
        }
        Map<String, Long> positions = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT aggregate_id, last_version FROM " + schema
                + ".stream_positions WHERE aggregate_id = ANY(?::text[]) ORDER BY aggregate_id FOR UPDATE")) {
            select.setArray(1, ids);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    positions.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return positions;
    }

    private List<IncomingEvent> loadParked(Connection connection, Set<String> aggregateIds) throws SQLException {
        List<IncomingEvent> parked = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT envelope, published_at FROM "
                + LIVE_SCHEMA + ".parked_events WHERE aggregate_id = ANY(?::text[])")) {
            select.setArray(1, connection.createArrayOf("text", aggregateIds.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    EventEnvelope envelope = codec.decode(rs.getString(1));
                    parked.add(new IncomingEvent(envelope, codec.payloadOf(envelope), instant(rs, 2)));
                }
            }
        }
        return parked;
    }

    private void reconcileParked(Connection connection, List<UUID> previouslyParked, List<IncomingEvent> stillParked)
            throws SQLException {
        Set<UUID> keep = new HashSet<>();
        for (IncomingEvent event : stillParked) {
            keep.add(event.envelope().eventId());
        }
        List<UUID> resolved = new ArrayList<>();
        for (UUID id : previouslyParked) {
            if (!keep.contains(id)) {
                resolved.add(id);
            }
        }
        if (!resolved.isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + LIVE_SCHEMA + ".parked_events WHERE event_id = ANY(?::uuid[])")) {
                delete.setArray(1, connection.createArrayOf("uuid", resolved.toArray()));
                delete.executeUpdate();
            }
        }
        if (stillParked.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + LIVE_SCHEMA
                + ".parked_events (event_id, aggregate_id, version, envelope, published_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (event_id) DO NOTHING")) {
            for (IncomingEvent event : stillParked) {
                insert.setObject(1, event.envelope().eventId());
                insert.setString(2, event.aggregateId());
                insert.setLong(3, event.version());
                insert.setString(4, codec.encodeToString(event.envelope()));
                setInstant(insert, 5, event.publishedAt());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private void recordApplied(Connection connection, List<IncomingEvent> applied) throws SQLException {
        if (applied.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + LIVE_SCHEMA
                + ".applied_events (event_id, aggregate_id, version, event_type, occurred_at, published_at, applied_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, clock_timestamp()) ON CONFLICT (event_id) DO NOTHING")) {
            for (IncomingEvent event : applied) {
                EventEnvelope envelope = event.envelope();
                insert.setObject(1, envelope.eventId());
                insert.setString(2, envelope.aggregateId());
                insert.setLong(3, envelope.version());
                insert.setString(4, envelope.eventType());
                setInstant(insert, 5, event.occurredAt());
                setInstant(insert, 6, event.publishedAt());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private ReadModelState load(Connection connection, String schema, List<IncomingEvent> toApply,
                                Set<String> aggregateIds) throws SQLException {
        ReadModelState state = new ReadModelState();
        if (toApply.isEmpty()) {
            return state;
        }
        Set<String> queueIds = new TreeSet<>();
        List<String> patientQueues = new ArrayList<>();
        List<String> patientIds = new ArrayList<>();
        Set<ReadModelState.Key> seen = new HashSet<>();
        for (IncomingEvent event : toApply) {
            queueIds.add(event.aggregateId());
            String patientId = event.envelope().payload().path("patientId").asText(null);
            if (patientId != null && seen.add(new ReadModelState.Key(event.aggregateId(), patientId))) {
                patientQueues.add(event.aggregateId());
                patientIds.add(patientId);
            }
        }
        Array queues = connection.createArrayOf("text", queueIds.toArray());
        try (PreparedStatement select = connection.prepareStatement("SELECT queue_id, name, max_capacity, created_at,"
                + " last_check_in_at, version FROM " + schema + ".queues WHERE queue_id = ANY(?::text[])")) {
            select.setArray(1, queues);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    QueueRecord queue = new QueueRecord(rs.getString(1));
                    queue.name = rs.getString(2);
                    queue.maxCapacity = (Integer) rs.getObject(3);
                    queue.createdAt = instant(rs, 4);
                    queue.lastCheckInAt = instant(rs, 5);
                    queue.version = rs.getLong(6);
                    state.queues.put(queue.queueId, queue);
                }
            }
        }
        if (!patientIds.isEmpty()) {
            try (PreparedStatement select = connection.prepareStatement("SELECT p.queue_id, p.patient_id, patient_name,"
                    + " priority, priority_level, requested_priority, consultation_type, state, checked_in_at,"
                    + " check_in_version, desk_id, room_id, called_at, consultation_started_at, finished_at, outcome,"
                    + " notes, payment_attempts, absences FROM " + schema + ".patients p"
                    + " JOIN unnest(?::text[], ?::text[]) AS k(queue_id, patient_id)"
                    + " ON p.queue_id = k.queue_id AND p.patient_id = k.patient_id")) {
                select.setArray(1, connection.createArrayOf("text", patientQueues.toArray()));
                select.setArray(2, connection.createArrayOf("text", patientIds.toArray()));
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        PatientRecord p = new PatientRecord(rs.getString(1), rs.getString(2));
                        p.patientName = rs.getString(3);
                        p.priority = rs.getString(4);
                        p.priorityLevel = rs.getInt(5);
                        p.requestedPriority = rs.getString(6);
                        p.consultationType = rs.getString(7);
                        p.state = PatientState.valueOf(rs.getString(8));
                        p.checkedInAt = instant(rs, 9);
                        p.checkInVersion = rs.getLong(10);
                        p.deskId = rs.getString(11);
                        p.roomId = rs.getString(12);
                        p.calledAt = instant(rs, 13);
                        p.consultationStartedAt = instant(rs, 14);
                        p.finishedAt = instant(rs, 15);
                        p.outcome = rs.getString(16);
                        p.notes = rs.getString(17);
                        p.paymentAttempts = rs.getInt(18);
                        p.absences = rs.getInt(19);
                        state.patients.put(new ReadModelState.Key(p.queueId, p.patientId), p);
                    }
                }
            }
        }
        loadStations(connection, schema, "rooms", "room_id", queues, state.rooms);
        loadStations(connection, schema, "cashier_desks", "desk_id", queues, state.desks);
        return state;
    }

    private static void loadStations(Connection connection, String schema, String table, String idColumn, Array queues,
                                     Map<ReadModelState.Key, StationRecord> into) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT queue_id, " + idColumn
                + ", active, state, patient_id, called_at FROM " + schema + "." + table
                + " WHERE queue_id = ANY(?::text[])")) {
            select.setArray(1, queues);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    StationRecord station = new StationRecord(rs.getString(1), rs.getString(2));
                    station.active = rs.getBoolean(3);
                    station.state = rs.getString(4);
                    station.patientId = rs.getString(5);
                    station.calledAt = instant(rs, 6);
                    into.put(new ReadModelState.Key(station.queueId, station.stationId), station);
                }
            }
        }
    }

    private static void save(Connection connection, String schema, ReadModelState state) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + schema + ".queues (queue_id, name,"
                + " max_capacity, created_at, last_check_in_at, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (queue_id) DO UPDATE SET name = EXCLUDED.name, max_capacity = EXCLUDED.max_capacity,"
                + " created_at = EXCLUDED.created_at, last_check_in_at = EXCLUDED.last_check_in_at,"
                + " version = EXCLUDED.version, updated_at = EXCLUDED.updated_at")) {
            int rows = 0;
            for (QueueRecord queue : state.queues.values()) {
                if (!queue.dirty) {
                    continue;
                }
                upsert.setString(1, queue.queueId);
                upsert.setString(2, queue.name);
                if (queue.maxCapacity == null) {
                    upsert.setNull(3, Types.INTEGER);
                } else {
                    upsert.setInt(3, queue.maxCapacity);
                }
                setInstant(upsert, 4, queue.createdAt);
                setInstant(upsert, 5, queue.lastCheckInAt);
                upsert.setLong(6, queue.version);
                upsert.addBatch();
                rows++;
            }
            if (rows > 0) {
                upsert.executeBatch();
            }
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + schema + ".patients (queue_id,"
                + " patient_id, patient_name, priority, priority_level, requested_priority, consultation_type, state,"
                + " checked_in_at, check_in_version, desk_id, room_id, called_at, consultation_started_at, finished_at,"
                + " outcome, notes, payment_attempts, absences, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (queue_id, patient_id) DO UPDATE SET patient_name = EXCLUDED.patient_name,"
                + " priority = EXCLUDED.priority, priority_level = EXCLUDED.priority_level,"
                + " requested_priority = EXCLUDED.requested_priority, consultation_type = EXCLUDED.consultation_type,"
                + " state = EXCLUDED.state, checked_in_at = EXCLUDED.checked_in_at,"
                + " check_in_version = EXCLUDED.check_in_version, desk_id = EXCLUDED.desk_id,"
                + " room_id = EXCLUDED.room_id, called_at = EXCLUDED.called_at,"
                + " consultation_started_at = EXCLUDED.consultation_started_at, finished_at = EXCLUDED.finished_at,"
                + " outcome = EXCLUDED.outcome, notes = EXCLUDED.notes, payment_attempts = EXCLUDED.payment_attempts,"
                + " absences = EXCLUDED.absences, updated_at = EXCLUDED.updated_at")) {
            int rows = 0;
            for (PatientRecord p : state.patients.values()) {
                if (!p.dirty) {
                    continue;
                }
                upsert.setString(1, p.queueId);
                upsert.setString(2, p.patientId);
                upsert.setString(3, p.patientName);
                upsert.setString(4, p.priority);
                upsert.setInt(5, p.priorityLevel);
                upsert.setString(6, p.requestedPriority);
                upsert.setString(7, p.consultationType);
                upsert.setString(8, p.state.name());
                setInstant(upsert, 9, p.checkedInAt);
                upsert.setLong(10, p.checkInVersion);
                upsert.setString(11, p.deskId);
                upsert.setString(12, p.roomId);
                setInstant(upsert, 13, p.calledAt);
                setInstant(upsert, 14, p.consultationStartedAt);
                setInstant(upsert, 15, p.finishedAt);
                upsert.setString(16, p.outcome);
                upsert.setString(17, p.notes);
                upsert.setInt(18, p.paymentAttempts);
                upsert.setInt(19, p.absences);
                upsert.addBatch();
                rows++;
            }
            if (rows > 0) {
                upsert.executeBatch();
            }
        }
        saveStations(connection, schema, "rooms", "room_id", state.rooms.values());
        saveStations(connection, schema, "cashier_desks", "desk_id", state.desks.values());
        if (!state.steps.isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + schema + ".patient_steps"
                    + " (queue_id, version, patient_id, event_type, occurred_at, state, room_id, desk_id, detail)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (queue_id, version) DO NOTHING")) {
                for (TrajectoryStep step : state.steps) {
                    insert.setString(1, step.queueId());
                    insert.setLong(2, step.version());
                    insert.setString(3, step.patientId());
                    insert.setString(4, step.eventType());
                    setInstant(insert, 5, step.occurredAt());
                    insert.setString(6, step.state().name());
                    insert.setString(7, step.roomId());
                    insert.setString(8, step.deskId());
                    insert.setString(9, step.detail());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    private static void saveStations(Connection connection, String schema, String table, String idColumn,
                                     Collection<StationRecord> stations) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + schema + "." + table
                + " (queue_id, " + idColumn + ", active, state, patient_id, called_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT (queue_id, " + idColumn + ") DO UPDATE SET"
                + " active = EXCLUDED.active, state = EXCLUDED.state, patient_id = EXCLUDED.patient_id,"
                + " called_at = EXCLUDED.called_at, updated_at = EXCLUDED.updated_at")) {
            int rows = 0;
            for (StationRecord station : stations) {
                if (!station.dirty) {
                    continue;
                }
                upsert.setString(1, station.queueId);
                upsert.setString(2, station.stationId);
                upsert.setBoolean(3, station.active);
                upsert.setString(4, station.state);
                upsert.setString(5, station.patientId);
                setInstant(upsert, 6, station.calledAt);
                upsert.addBatch();
                rows++;
            }
            if (rows > 0) {
                upsert.executeBatch();
            }
        }
    }

    private static void savePositions(Connection connection, String schema, Map<String, Long> positions)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + schema + ".stream_positions p"
                + " SET last_version = k.version, updated_at = now() FROM unnest(?::text[], ?::bigint[]) AS k(id, version)"
                + " WHERE p.aggregate_id = k.id AND p.last_version <> k.version")) {
            update.setArray(1, connection.createArrayOf("text", positions.keySet().toArray()));
            update.setArray(2, connection.createArrayOf("bigint", positions.values().toArray()));
            update.executeUpdate();
        }
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
        }
    }
}
