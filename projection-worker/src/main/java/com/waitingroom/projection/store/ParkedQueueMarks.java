package com.waitingroom.projection.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;
import static com.waitingroom.projection.store.ReadModelWriter.instant;

/**
 * The SQL of parked_queues, run inside the caller's transaction. Always the live schema: like
 * parked_events the marks are an input of the live projection, never part of a rebuild.
 */
final class ParkedQueueMarks {

    private static final String TABLE = LIVE_SCHEMA + ".parked_queues";

    private ParkedQueueMarks() {
    }

    /** The marked queues among a batch's aggregates (one parameter: text[]); rides in the batch's first call. */
    static String selectMarked() {
        return " SELECT aggregate_id FROM " + TABLE + " WHERE aggregate_id = ANY(?::text[])";
    }

    /**
     * Parks the queue of the failing event, or records one more failed attempt of a parked queue:
     * the first failure time is kept, the event and error become the latest ones. Locks the queue's
     * stream position first and marks nothing when the event has been applied meanwhile (a resume or
     * another replica got past it): parking then would freeze a healthy queue. False in that case.
     */
    static boolean mark(Connection connection, IncomingEvent failing, String error, int attempts) throws SQLException {
        try (PreparedStatement position = connection.prepareStatement("SELECT last_version FROM " + LIVE_SCHEMA
                + ".stream_positions WHERE aggregate_id = ? FOR UPDATE")) {
            position.setString(1, failing.aggregateId());
            try (ResultSet rs = position.executeQuery()) {
                if (rs.next() && rs.getLong(1) >= failing.version()) {
                    return false;
                }
            }
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + TABLE
                + " (aggregate_id, event_id, version, event_type, error, first_failed_at, last_attempt_at, attempts)"
                + " VALUES (?, ?, ?, ?, ?, clock_timestamp(), clock_timestamp(), ?)"
                + " ON CONFLICT (aggregate_id) DO UPDATE SET event_id = EXCLUDED.event_id, version = EXCLUDED.version,"
                + " event_type = EXCLUDED.event_type, error = EXCLUDED.error, last_attempt_at = EXCLUDED.last_attempt_at,"
                + " attempts = " + TABLE + ".attempts + EXCLUDED.attempts")) {
            upsert.setString(1, failing.aggregateId());
            upsert.setObject(2, failing.envelope().eventId());
            upsert.setLong(3, failing.version());
            upsert.setString(4, failing.envelope().eventType());
            upsert.setString(5, error.length() > 2000 ? error.substring(0, 2000) : error);
            upsert.setInt(6, attempts);
            upsert.executeUpdate();
        }
        return true;
    }

    /** Removes the mark; false when the queue was not parked. */
    static boolean clear(Connection connection, String queueId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE aggregate_id = ?")) {
            delete.setString(1, queueId);
            return delete.executeUpdate() > 0;
        }
    }

    static List<String> ids(Connection connection) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT aggregate_id FROM " + TABLE
                + " ORDER BY aggregate_id"); ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Every parked queue, oldest failure first, with the number of events waiting in parked_events. */
    static List<ParkedQueue> list(Connection connection) throws SQLException {
        List<ParkedQueue> queues = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT q.aggregate_id, q.event_id, q.version,"
                + " q.event_type, q.error, q.first_failed_at, q.last_attempt_at, q.attempts,"
                + " (SELECT count(*) FROM " + LIVE_SCHEMA + ".parked_events e WHERE e.aggregate_id = q.aggregate_id)"
                + " FROM " + TABLE + " q ORDER BY q.first_failed_at, q.aggregate_id");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                queues.add(new ParkedQueue(rs.getString(1), rs.getObject(2, java.util.UUID.class), rs.getLong(3),
                        rs.getString(4), rs.getString(5), instant(rs, 6), instant(rs, 7), rs.getInt(8),
                        rs.getLong(9)));
            }
        }
        return queues;
    }
}
