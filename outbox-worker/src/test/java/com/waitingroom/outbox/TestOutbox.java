package com.waitingroom.outbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.Routing;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.testsupport.EventStoreRows;
import com.waitingroom.testsupport.LocalInfra;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Writes events + outbox rows the way api-service does (one transaction, EventCodec envelope). */
public final class TestOutbox {

    static final EventCodec CODEC = EventCodec.standard();

    private TestOutbox() {
    }

    public static Connection connect() throws SQLException {
        return LocalInfra.connect(OutboxTestInfra.DATABASE);
    }

    public static EventEnvelope checkIn(String queueId, long version) {
        return checkIn(queueId, version, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    public static EventEnvelope checkIn(String queueId, long version, Instant occurredAt) {
        PatientCheckedIn event = new PatientCheckedIn(queueId, "patient-" + version, "Patient " + version,
                Priority.MEDIUM, Priority.MEDIUM, "General", null, 40, false, (int) version, version, 1);
        return CODEC.wrap(event, UUID.randomUUID(), version, occurredAt, "corr-" + queueId + "-" + version,
                "cause-" + version, "test");
    }

    /** An envelope of a type only the reject queue is bound to (for refused publishes). */
    public static EventEnvelope probe(String queueId, long version, String eventType) {
        return new EventEnvelope(UUID.randomUUID(), queueId, "WaitingQueue", version, eventType, 1,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), "corr-" + queueId, null, "test",
                JsonNodeFactory.instance.objectNode().put("queueId", queueId));
    }

    /**
     * How a writer stores an outbox row: as api-service does since V24 (the codec's text, the header fields in
     * columns of their own), or as a build from before it did (a JSONB envelope, stored as its text, and no columns).
     */
    public enum Writer {
        CURRENT("""
                INSERT INTO outbox (event_id, aggregate_id, aggregate_version, event_type, routing_key,
                                    correlation_id, causation_id, schema_version, occurred_at, envelope)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""),
        BEFORE_V24("""
                INSERT INTO outbox (event_id, aggregate_id, aggregate_version, event_type, routing_key,
                                    correlation_id, envelope)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) RETURNING id""");

        private final String sql;

        Writer(String sql) {
            this.sql = sql;
        }
    }

    /** Appends in the caller's transaction as api-service does; returns the outbox ids. */
    public static List<Long> append(Connection connection, List<EventEnvelope> envelopes) throws SQLException {
        return append(connection, envelopes, Writer.CURRENT);
    }

    /** Appends in the caller's transaction as {@code writer} does; returns the outbox ids. */
    public static List<Long> append(Connection connection, List<EventEnvelope> envelopes, Writer writer)
            throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement events = connection.prepareStatement(EventStoreRows.INSERT_EVENT);
             PreparedStatement outbox = connection.prepareStatement(writer.sql)) {
            for (EventEnvelope e : envelopes) {
                EventStoreRows.bind(events, e);
                events.executeUpdate();
                outbox.setObject(1, e.eventId());
                outbox.setString(2, e.aggregateId());
                outbox.setLong(3, e.version());
                outbox.setString(4, e.eventType());
                outbox.setString(5, Routing.routingKey(e.eventType()));
                outbox.setString(6, e.correlationId());
                int next = 7;
                if (writer == Writer.CURRENT) {
                    outbox.setString(next++, e.causationId());
                    outbox.setInt(next++, e.schemaVersion());
                    outbox.setObject(next++, e.occurredAt().atOffset(ZoneOffset.UTC));
                }
                outbox.setString(next, CODEC.encodeToString(e));
                try (ResultSet rs = outbox.executeQuery()) {
                    rs.next();
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** Appends in its own committed transaction, as api-service does. */
    public static List<Long> commit(List<EventEnvelope> envelopes) throws SQLException {
        return commit(envelopes, Writer.CURRENT);
    }

    /** Appends in its own committed transaction, as {@code writer} does. */
    public static List<Long> commit(List<EventEnvelope> envelopes, Writer writer) throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            List<Long> ids = append(connection, envelopes, writer);
            connection.commit();
            return ids;
        }
    }

    public record RowState(String status, int attempts, String lastError, double nextAttemptAfterCreatedMillis) {
    }

    /** The row's state in the outbox, or "dispatched" once relayed (moved to outbox_dispatched); null: neither. */
    public static RowState state(long id) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT status, attempts, last_error,
                            extract(epoch FROM next_attempt_at - created_at) * 1000
                     FROM outbox WHERE id = ?
                     UNION ALL
                     SELECT 'dispatched', attempts, NULL, NULL FROM outbox_dispatched WHERE id = ?""")) {
            statement.setLong(1, id);
            statement.setLong(2, id);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? new RowState(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getDouble(4)) : null;
            }
        }
    }

    /** Removes every outbox row and relayed row (rows other tests, or an earlier trial, left behind). */
    public static void deleteAll() throws SQLException {
        try (Connection connection = connect()) {
            connection.createStatement().executeUpdate("DELETE FROM outbox");
            connection.createStatement().executeUpdate("DELETE FROM outbox_dispatched");
        }
    }

    public static long count(String sql) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
