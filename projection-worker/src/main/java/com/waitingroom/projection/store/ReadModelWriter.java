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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
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
     * Applies a batch in four round trips when nothing is missing: lock positions + read everything
     * the batch may touch (one multi-statement call), project in memory, write every table (one
     * multi-statement call of array-bound statements), and the caller's commit. Closing a gap from
     * the store, or loading patients only named by parked/gap-filled events, costs extra calls.
     *
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
        ReadModelState state = new ReadModelState();
        Set<ReadModelState.Key> loadedPatients = patientKeys(batch);
        List<IncomingEvent> parked = new ArrayList<>();
        Map<String, Long> positions = lockAndLoad(connection, schema, aggregateIds, loadedPatients, parkGaps,
                parked, state);

        Map<String, TreeMap<Long, IncomingEvent>> candidates = new LinkedHashMap<>();
        for (IncomingEvent event : batch) {
            candidates.computeIfAbsent(event.aggregateId(), k -> new TreeMap<>()).putIfAbsent(event.version(), event);
        }
        List<UUID> parkedIds = new ArrayList<>();
        for (IncomingEvent event : parked) {
            parkedIds.add(event.envelope().eventId());
            candidates.computeIfAbsent(event.aggregateId(), k -> new TreeMap<>()).putIfAbsent(event.version(), event);
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

        Set<ReadModelState.Key> unloaded = patientKeys(toApply);
        unloaded.removeAll(loadedPatients);
        if (!unloaded.isEmpty()) {
            loadPatients(connection, schema, unloaded, state);
        }
        for (IncomingEvent event : toApply) {
            projector.apply(state, event.envelope(), event.payload());
        }
        write(connection, schema, parkGaps, state, positions, toApply, stillParked(parkedIds, toPark),
                resolvedParked(parkedIds, toPark));
        int newlyParked = 0;
        Set<UUID> alreadyParked = new HashSet<>(parkedIds);
        for (IncomingEvent event : toPark) {
            if (!alreadyParked.contains(event.envelope().eventId())) {
                newlyParked++;
            }
        }
        return new BatchOutcome(toApply, duplicates, newlyParked, gapFilled);
    }

    private static Set<ReadModelState.Key> patientKeys(List<IncomingEvent> events) {
        Set<ReadModelState.Key> keys = new LinkedHashSet<>();
        for (IncomingEvent event : events) {
            String patientId = event.envelope().payload().path("patientId").asText(null);
            if (patientId != null) {
                keys.add(new ReadModelState.Key(event.aggregateId(), patientId));
            }
        }
        return keys;
    }

    private static List<IncomingEvent> stillParked(List<UUID> previouslyParked, List<IncomingEvent> toPark) {
        Set<UUID> known = new HashSet<>(previouslyParked);
        List<IncomingEvent> fresh = new ArrayList<>();
        for (IncomingEvent event : toPark) {
            if (!known.contains(event.envelope().eventId())) {
                fresh.add(event);
            }
        }
        return fresh;
    }

    private static List<UUID> resolvedParked(List<UUID> previouslyParked, List<IncomingEvent> toPark) {
        Set<UUID> keep = new HashSet<>();
        for (IncomingEvent event : toPark) {
            keep.add(event.envelope().eventId());
        }
        List<UUID> resolved = new ArrayList<>();
        for (UUID id : previouslyParked) {
            if (!keep.contains(id)) {
                resolved.add(id);
            }
        }
        return resolved;
    }

    /**
     * One call: creates missing position rows, locks every position of the batch (sorted, so two
     * workers never deadlock), then reads the parked events and the read-model rows of those queues,
     * each statement seeing what the previous lock holder committed.
     */
    private Map<String, Long> lockAndLoad(Connection connection, String schema, Set<String> aggregateIds,
                                          Set<ReadModelState.Key> patients, boolean parkGaps,
                                          List<IncomingEvent> parked, ReadModelState state) throws SQLException {
        Array ids = connection.createArrayOf("text", aggregateIds.toArray());
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(schema)
                .append(".stream_positions (aggregate_id, last_version) SELECT id, 0 FROM unnest(?::text[]) AS id")
                .append(" ON CONFLICT (aggregate_id) DO NOTHING;")
                .append(" SELECT aggregate_id, last_version FROM ").append(schema)
                .append(".stream_positions WHERE aggregate_id = ANY(?::text[]) ORDER BY aggregate_id FOR UPDATE;");
        if (parkGaps) {
            sql.append(" SELECT envelope, published_at FROM ").append(LIVE_SCHEMA)
                    .append(".parked_events WHERE aggregate_id = ANY(?::text[]);");
        }
        sql.append(" SELECT ").append(QUEUE_COLUMNS).append(" FROM ").append(schema)
                .append(".queues WHERE queue_id = ANY(?::text[]);")
                .append(patientsSelect(schema)).append(';')
                .append(stationsSelect(schema, "rooms", "room_id")).append(';')
                .append(stationsSelect(schema, "cashier_desks", "desk_id"));
        Map<String, Long> positions = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int index = 1;
            statement.setArray(index++, ids);
            statement.setArray(index++, ids);
            if (parkGaps) {
                statement.setArray(index++, ids);
            }
            statement.setArray(index++, ids);
            index = bindPatientKeys(connection, statement, index, patients);
            statement.setArray(index++, ids);
            statement.setArray(index, ids);
            statement.execute();
            try (ResultSet rs = nextResultSet(statement)) {
                while (rs.next()) {
                    positions.put(rs.getString(1), rs.getLong(2));
                }
            }
            if (parkGaps) {
                try (ResultSet rs = nextResultSet(statement)) {
                    while (rs.next()) {
                        EventEnvelope envelope = codec.decode(rs.getString(1));
                        parked.add(new IncomingEvent(envelope, codec.payloadOf(envelope), instant(rs, 2)));
                    }
                }
            }
            try (ResultSet rs = nextResultSet(statement)) {
                readQueues(rs, state);
            }
            try (ResultSet rs = nextResultSet(statement)) {
                readPatients(rs, state);
            }
            try (ResultSet rs = nextResultSet(statement)) {
                readStations(rs, state.rooms);
            }
            try (ResultSet rs = nextResultSet(statement)) {
                readStations(rs, state.desks);
            }
        }
        return positions;
    }

    /** Advances a multi-statement call to its next result set (skipping update counts). */
    private static ResultSet nextResultSet(PreparedStatement statement) throws SQLException {
        while (!statement.getMoreResults()) {
            if (statement.getUpdateCount() == -1) {
                throw new SQLException("multi-statement call returned fewer result sets than expected");
            }
        }
        return statement.getResultSet();
    }

    private static final String QUEUE_COLUMNS = "queue_id, name, max_capacity, created_at, last_check_in_at, version";

    /**
     * One primary-key probe per requested patient. A plain join with unnest let PostgreSQL cache a
     * generic plan (unnest guessed at 10 rows, patients planned while still small) that hashed the
     * keys and scanned the whole table on every batch: 7-10 ms per batch at 70,000 patients. The
     * LIMIT keeps the lateral subquery from being flattened back into that join.
     */
    static String patientsSelect(String schema) {
        return " SELECT p.* FROM unnest(?::text[], ?::text[]) AS k(queue_id, patient_id) CROSS JOIN LATERAL"
                + " (SELECT queue_id, patient_id, patient_name, priority, priority_level, requested_priority,"
                + " consultation_type, state, checked_in_at, check_in_version, desk_id, room_id, called_at,"
                + " consultation_started_at, finished_at, outcome, notes, payment_attempts, absences FROM "
                + schema + ".patients WHERE queue_id = k.queue_id AND patient_id = k.patient_id LIMIT 1) AS p";
    }

    private static String stationsSelect(String schema, String table, String idColumn) {
        return " SELECT queue_id, " + idColumn + ", active, state, patient_id, called_at FROM " + schema + "." + table
                + " WHERE queue_id = ANY(?::text[])";
    }

    private static int bindPatientKeys(Connection connection, PreparedStatement statement, int index,
                                       Set<ReadModelState.Key> keys) throws SQLException {
        List<String> queues = new ArrayList<>(keys.size());
        List<String> patients = new ArrayList<>(keys.size());
        for (ReadModelState.Key key : keys) {
            queues.add(key.queueId());
            patients.add(key.id());
        }
        statement.setArray(index, connection.createArrayOf("text", queues.toArray()));
        statement.setArray(index + 1, connection.createArrayOf("text", patients.toArray()));
        return index + 2;
    }

    /** Patients named only by parked or gap-filled events (not known before the positions were read). */
    private static void loadPatients(Connection connection, String schema, Set<ReadModelState.Key> keys,
                                     ReadModelState state) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(patientsSelect(schema))) {
            bindPatientKeys(connection, select, 1, keys);
            try (ResultSet rs = select.executeQuery()) {
                readPatients(rs, state);
            }
        }
    }

    private static void readQueues(ResultSet rs, ReadModelState state) throws SQLException {
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

    private static void readPatients(ResultSet rs, ReadModelState state) throws SQLException {
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

    private static void readStations(ResultSet rs, Map<ReadModelState.Key, StationRecord> into) throws SQLException {
        while (rs.next()) {
            StationRecord station = new StationRecord(rs.getString(1), rs.getString(2));
            station.active = rs.getBoolean(3);
            station.state = rs.getString(4);
            station.patientId = rs.getString(5);
            station.calledAt = instant(rs, 6);
            into.put(new ReadModelState.Key(station.queueId, station.stationId), station);
        }
    }

    /**
     * Writes the batch in one multi-statement call: each table gets one statement whose rows come
     * from array parameters (unnest), so the SQL text is constant and its plan is cached.
     */
    private void write(Connection connection, String schema, boolean live, ReadModelState state,
                       Map<String, Long> positions, List<IncomingEvent> applied, List<IncomingEvent> newlyParked,
                       List<UUID> resolvedParked) throws SQLException {
        try (ArrayBinder bind = new ArrayBinder(connection, writeSql(schema, live))) {
            bindRows(bind, live, state, positions, applied, newlyParked, resolvedParked);
            bind.execute();
        }
    }

    private void bindRows(ArrayBinder bind, boolean live, ReadModelState state, Map<String, Long> positions,
                          List<IncomingEvent> applied, List<IncomingEvent> newlyParked, List<UUID> resolvedParked)
            throws SQLException {
        List<QueueRecord> queues = dirty(state.queues.values(), q -> q.dirty);
        bind.texts(queues, q -> q.queueId).texts(queues, q -> q.name).ints(queues, q -> q.maxCapacity)
                .instants(queues, q -> q.createdAt).instants(queues, q -> q.lastCheckInAt)
                .longs(queues, q -> q.version);
        List<PatientRecord> patients = dirty(state.patients.values(), p -> p.dirty);
        bind.texts(patients, p -> p.queueId).texts(patients, p -> p.patientId).texts(patients, p -> p.patientName)
                .texts(patients, p -> p.priority).ints(patients, p -> p.priorityLevel)
                .texts(patients, p -> p.requestedPriority).texts(patients, p -> p.consultationType)
                .texts(patients, p -> p.state.name()).instants(patients, p -> p.checkedInAt)
                .longs(patients, p -> p.checkInVersion).texts(patients, p -> p.deskId).texts(patients, p -> p.roomId)
                .instants(patients, p -> p.calledAt).instants(patients, p -> p.consultationStartedAt)
                .instants(patients, p -> p.finishedAt).texts(patients, p -> p.outcome).texts(patients, p -> p.notes)
                .ints(patients, p -> p.paymentAttempts).ints(patients, p -> p.absences);
        for (Collection<StationRecord> table : List.of(state.rooms.values(), state.desks.values())) {
            List<StationRecord> stations = dirty(table, s -> s.dirty);
            bind.texts(stations, s -> s.queueId).texts(stations, s -> s.stationId).bools(stations, s -> s.active)
                    .texts(stations, s -> s.state).texts(stations, s -> s.patientId).instants(stations, s -> s.calledAt);
        }
        List<TrajectoryStep> steps = state.steps;
        bind.texts(steps, TrajectoryStep::queueId).longs(steps, TrajectoryStep::version)
                .texts(steps, TrajectoryStep::patientId).texts(steps, TrajectoryStep::eventType)
                .instants(steps, TrajectoryStep::occurredAt).texts(steps, s -> s.state().name())
                .texts(steps, TrajectoryStep::roomId).texts(steps, TrajectoryStep::deskId)
                .texts(steps, TrajectoryStep::detail);
        List<Map.Entry<String, Long>> moved = new ArrayList<>(positions.entrySet());
        bind.texts(moved, Map.Entry::getKey).longs(moved, Map.Entry::getValue).texts(moved, Map.Entry::getKey);
        if (live) {
            bind.texts(resolvedParked, UUID::toString);
            bind.texts(newlyParked, e -> e.envelope().eventId().toString()).texts(newlyParked, IncomingEvent::aggregateId)
                    .longs(newlyParked, IncomingEvent::version)
                    .texts(newlyParked, e -> codec.encodeToString(e.envelope()))
                    .instants(newlyParked, IncomingEvent::publishedAt);
            bind.texts(applied, e -> e.envelope().eventId().toString()).texts(applied, IncomingEvent::aggregateId)
                    .longs(applied, IncomingEvent::version).texts(applied, e -> e.envelope().eventType())
                    .instants(applied, IncomingEvent::occurredAt).instants(applied, IncomingEvent::publishedAt);
        }
    }

    private static <T> List<T> dirty(Collection<T> rows, Predicate<T> isDirty) {
        List<T> dirty = new ArrayList<>();
        for (T row : rows) {
            if (isDirty.test(row)) {
                dirty.add(row);
            }
        }
        return dirty;
    }

    private static String writeSql(String schema, boolean live) {
        StringBuilder sql = new StringBuilder()
                .append("INSERT INTO ").append(schema).append(".queues (").append(QUEUE_COLUMNS).append(", updated_at)")
                .append(" SELECT u.*, now() FROM unnest(?::text[], ?::text[], ?::int[], ?::timestamptz[],")
                .append(" ?::timestamptz[], ?::bigint[]) AS u")
                .append(" ON CONFLICT (queue_id) DO UPDATE SET name = EXCLUDED.name, max_capacity = EXCLUDED.max_capacity,")
                .append(" created_at = EXCLUDED.created_at, last_check_in_at = EXCLUDED.last_check_in_at,")
                .append(" version = EXCLUDED.version, updated_at = EXCLUDED.updated_at;")
                .append(" INSERT INTO ").append(schema).append(".patients (queue_id, patient_id, patient_name, priority,")
                .append(" priority_level, requested_priority, consultation_type, state, checked_in_at, check_in_version,")
                .append(" desk_id, room_id, called_at, consultation_started_at, finished_at, outcome, notes,")
                .append(" payment_attempts, absences, updated_at)")
                .append(" SELECT u.*, now() FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[],")
                .append(" ?::text[], ?::text[], ?::timestamptz[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[],")
                .append(" ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[], ?::int[], ?::int[]) AS u")
                .append(" ON CONFLICT (queue_id, patient_id) DO UPDATE SET patient_name = EXCLUDED.patient_name,")
                .append(" priority = EXCLUDED.priority, priority_level = EXCLUDED.priority_level,")
                .append(" requested_priority = EXCLUDED.requested_priority, consultation_type = EXCLUDED.consultation_type,")
                .append(" state = EXCLUDED.state, checked_in_at = EXCLUDED.checked_in_at,")
                .append(" check_in_version = EXCLUDED.check_in_version, desk_id = EXCLUDED.desk_id,")
                .append(" room_id = EXCLUDED.room_id, called_at = EXCLUDED.called_at,")
                .append(" consultation_started_at = EXCLUDED.consultation_started_at, finished_at = EXCLUDED.finished_at,")
                .append(" outcome = EXCLUDED.outcome, notes = EXCLUDED.notes, payment_attempts = EXCLUDED.payment_attempts,")
                .append(" absences = EXCLUDED.absences, updated_at = EXCLUDED.updated_at;")
                .append(stationsUpsert(schema, "rooms", "room_id"))
                .append(stationsUpsert(schema, "cashier_desks", "desk_id"))
                .append(" INSERT INTO ").append(schema).append(".patient_steps (queue_id, version, patient_id, event_type,")
                .append(" occurred_at, state, room_id, desk_id, detail) SELECT * FROM unnest(?::text[], ?::bigint[],")
                .append(" ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[])")
                .append(" ON CONFLICT (queue_id, version) DO NOTHING;")
                .append(positionsUpdate(schema)).append(';');
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

    /**
     * The ANY lets the positions be found by primary key; joined with unnest alone, the cached
     * generic plan scanned the whole (update-bloated) table on every batch.
     */
    static String positionsUpdate(String schema) {
        return " UPDATE " + schema + ".stream_positions p SET last_version = k.version, updated_at = now()"
                + " FROM unnest(?::text[], ?::bigint[]) AS k(id, version)"
                + " WHERE p.aggregate_id = k.id AND p.aggregate_id = ANY(?::text[]) AND p.last_version <> k.version";
    }

    private static String stationsUpsert(String schema, String table, String idColumn) {
        return " INSERT INTO " + schema + "." + table + " (queue_id, " + idColumn + ", active, state, patient_id,"
                + " called_at, updated_at) SELECT u.*, now() FROM unnest(?::text[], ?::text[], ?::boolean[],"
                + " ?::text[], ?::text[], ?::timestamptz[]) AS u ON CONFLICT (queue_id, " + idColumn + ") DO UPDATE SET"
                + " active = EXCLUDED.active, state = EXCLUDED.state, patient_id = EXCLUDED.patient_id,"
                + " called_at = EXCLUDED.called_at, updated_at = EXCLUDED.updated_at;";
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
