package com.waitingroom.projection.store;

import com.waitingroom.projection.domain.PatientRecord;
import com.waitingroom.projection.domain.PatientState;
import com.waitingroom.projection.domain.QueueRecord;
import com.waitingroom.projection.domain.ReadModelState;
import com.waitingroom.projection.domain.StationRecord;
import com.waitingroom.projection.domain.TrajectoryStep;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static com.waitingroom.projection.store.ReadModelWriter.instant;
import static com.waitingroom.projection.store.ReadModelWriter.nextResultSet;

/**
 * The read-model tables (queues, patients, rooms, cashier desks, patient steps) as a batch sees
 * them: the rows it may touch, loaded into a {@link ReadModelState} before projecting, and the dirty
 * rows and new steps written back after. Only SQL fragments, binders and readers: the writer puts
 * them into its two multi-statement calls next to the stream positions' statements, so the columns
 * of a read model change here and nowhere else.
 */
final class ReadModelTables {

    private ReadModelTables() {
    }

    private static final String QUEUE_COLUMNS =
            "queue_id, name, max_capacity, created_at, last_check_in_at, version, next_line_sequence";

    /**
     * The read-model rows of a batch's queues (4 statements, 4 result sets): the queues, the patients
     * its events name, the rooms and the desks. Parameters: see {@link #bindLoad}.
     */
    static String loadSql(String schema) {
        return " SELECT " + QUEUE_COLUMNS + " FROM " + schema + ".queues WHERE queue_id = ANY(?::text[]);"
                + patientsSelect(schema) + ';'
                + stationsSelect(schema, "rooms", "room_id") + ';'
                + stationsSelect(schema, "cashier_desks", "desk_id");
    }

    static int bindLoad(Connection connection, PreparedStatement statement, int index, Array queueIds,
                        Set<ReadModelState.Key> patients) throws SQLException {
        statement.setArray(index++, queueIds);
        index = bindPatientKeys(connection, statement, index, patients);
        statement.setArray(index++, queueIds);
        statement.setArray(index++, queueIds);
        return index;
    }

    /** Reads the result sets of {@link #loadSql}, which must be the next ones of the call. */
    static void readLoaded(PreparedStatement statement, ReadModelState state) throws SQLException {
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

    /** The patients an event names (queue, patient id): those the batch must load. */
    static Set<ReadModelState.Key> patientKeys(List<IncomingEvent> events) {
        Set<ReadModelState.Key> keys = new LinkedHashSet<>();
        for (IncomingEvent event : events) {
            String patientId = event.envelope().payload().path("patientId").asText(null);
            if (patientId != null) {
                keys.add(new ReadModelState.Key(event.aggregateId(), patientId));
            }
        }
        return keys;
    }

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
                + " consultation_started_at, finished_at, outcome, notes, payment_attempts, absences, line_sequence,"
                + " visit, ticket_number FROM "
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
    static void loadPatients(Connection connection, String schema, Set<ReadModelState.Key> keys,
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
            queue.nextLineSequence = rs.getLong(7);
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
            p.lineSequence = rs.getLong(20);
            p.visit = rs.getInt(21);
            p.ticketNumber = rs.getString(22);
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
     * Upserts the dirty rows and inserts the new steps: one statement per table whose rows come from
     * array parameters (unnest), so the SQL text is constant and its plan is cached. Parameters: see
     * {@link #bindWrite}.
     */
    static String writeSql(String schema) {
        return new StringBuilder()
                .append("INSERT INTO ").append(schema).append(".queues (").append(QUEUE_COLUMNS).append(", updated_at)")
                .append(" SELECT u.*, now() FROM unnest(?::text[], ?::text[], ?::int[], ?::timestamptz[],")
                .append(" ?::timestamptz[], ?::bigint[], ?::bigint[]) AS u")
                .append(" ON CONFLICT (queue_id) DO UPDATE SET name = EXCLUDED.name, max_capacity = EXCLUDED.max_capacity,")
                .append(" created_at = EXCLUDED.created_at, last_check_in_at = EXCLUDED.last_check_in_at,")
                .append(" version = EXCLUDED.version, next_line_sequence = EXCLUDED.next_line_sequence,")
                .append(" updated_at = EXCLUDED.updated_at;")
                .append(" INSERT INTO ").append(schema).append(".patients (queue_id, patient_id, patient_name, priority,")
                .append(" priority_level, requested_priority, consultation_type, state, checked_in_at, check_in_version,")
                .append(" desk_id, room_id, called_at, consultation_started_at, finished_at, outcome, notes,")
                .append(" payment_attempts, absences, line_sequence, visit, ticket_number, updated_at)")
                .append(" SELECT u.*, now() FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[],")
                .append(" ?::text[], ?::text[], ?::timestamptz[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[],")
                .append(" ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[], ?::int[], ?::int[], ?::bigint[],")
                .append(" ?::int[], ?::text[]) AS u")
                .append(" ON CONFLICT (queue_id, patient_id) DO UPDATE SET patient_name = EXCLUDED.patient_name,")
                .append(" priority = EXCLUDED.priority, priority_level = EXCLUDED.priority_level,")
                .append(" requested_priority = EXCLUDED.requested_priority, consultation_type = EXCLUDED.consultation_type,")
                .append(" state = EXCLUDED.state, checked_in_at = EXCLUDED.checked_in_at,")
                .append(" check_in_version = EXCLUDED.check_in_version, desk_id = EXCLUDED.desk_id,")
                .append(" room_id = EXCLUDED.room_id, called_at = EXCLUDED.called_at,")
                .append(" consultation_started_at = EXCLUDED.consultation_started_at, finished_at = EXCLUDED.finished_at,")
                .append(" outcome = EXCLUDED.outcome, notes = EXCLUDED.notes, payment_attempts = EXCLUDED.payment_attempts,")
                .append(" absences = EXCLUDED.absences, line_sequence = EXCLUDED.line_sequence,")
                .append(" visit = EXCLUDED.visit, ticket_number = EXCLUDED.ticket_number,")
                .append(" updated_at = EXCLUDED.updated_at;")
                .append(stationsUpsert(schema, "rooms", "room_id"))
                .append(stationsUpsert(schema, "cashier_desks", "desk_id"))
                .append(" INSERT INTO ").append(schema).append(".patient_steps (queue_id, version, patient_id, visit,")
                .append(" event_type, occurred_at, state, room_id, desk_id, detail, actor, actor_role)")
                .append(" SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::int[], ?::text[],")
                .append(" ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])")
                .append(" ON CONFLICT (queue_id, version) DO NOTHING;")
                .toString();
    }

    static void bindWrite(ArrayBinder bind, ReadModelState state) throws SQLException {
        List<QueueRecord> queues = dirty(state.queues.values(), q -> q.dirty);
        bind.texts(queues, q -> q.queueId).texts(queues, q -> q.name).ints(queues, q -> q.maxCapacity)
                .instants(queues, q -> q.createdAt).instants(queues, q -> q.lastCheckInAt)
                .longs(queues, q -> q.version).longs(queues, q -> q.nextLineSequence);
        List<PatientRecord> patients = dirty(state.patients.values(), p -> p.dirty);
        bind.texts(patients, p -> p.queueId).texts(patients, p -> p.patientId).texts(patients, p -> p.patientName)
                .texts(patients, p -> p.priority).ints(patients, p -> p.priorityLevel)
                .texts(patients, p -> p.requestedPriority).texts(patients, p -> p.consultationType)
                .texts(patients, p -> p.state.name()).instants(patients, p -> p.checkedInAt)
                .longs(patients, p -> p.checkInVersion).texts(patients, p -> p.deskId).texts(patients, p -> p.roomId)
                .instants(patients, p -> p.calledAt).instants(patients, p -> p.consultationStartedAt)
                .instants(patients, p -> p.finishedAt).texts(patients, p -> p.outcome).texts(patients, p -> p.notes)
                .ints(patients, p -> p.paymentAttempts).ints(patients, p -> p.absences)
                .longs(patients, p -> p.lineSequence).ints(patients, p -> p.visit)
                .texts(patients, p -> p.ticketNumber);
        for (Collection<StationRecord> table : List.of(state.rooms.values(), state.desks.values())) {
            List<StationRecord> stations = dirty(table, s -> s.dirty);
            bind.texts(stations, s -> s.queueId).texts(stations, s -> s.stationId).bools(stations, s -> s.active)
                    .texts(stations, s -> s.state).texts(stations, s -> s.patientId).instants(stations, s -> s.calledAt);
        }
        List<TrajectoryStep> steps = state.steps;
        bind.texts(steps, TrajectoryStep::queueId).longs(steps, TrajectoryStep::version)
                .texts(steps, TrajectoryStep::patientId).ints(steps, TrajectoryStep::visit)
                .texts(steps, TrajectoryStep::eventType)
                .instants(steps, TrajectoryStep::occurredAt).texts(steps, s -> s.state().name())
                .texts(steps, TrajectoryStep::roomId).texts(steps, TrajectoryStep::deskId)
                .texts(steps, TrajectoryStep::detail).texts(steps, TrajectoryStep::actor)
                .texts(steps, TrajectoryStep::actorRole);
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

    private static String stationsUpsert(String schema, String table, String idColumn) {
        return " INSERT INTO " + schema + "." + table + " (queue_id, " + idColumn + ", active, state, patient_id,"
                + " called_at, updated_at) SELECT u.*, now() FROM unnest(?::text[], ?::text[], ?::boolean[],"
                + " ?::text[], ?::text[], ?::timestamptz[]) AS u ON CONFLICT (queue_id, " + idColumn + ") DO UPDATE SET"
                + " active = EXCLUDED.active, state = EXCLUDED.state, patient_id = EXCLUDED.patient_id,"
                + " called_at = EXCLUDED.called_at, updated_at = EXCLUDED.updated_at;";
    }
}
