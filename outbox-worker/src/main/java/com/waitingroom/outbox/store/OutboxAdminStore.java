package com.waitingroom.outbox.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Operator queries (list, count, requeue), gauges and retention cleanup. */
@ApplicationScoped
public class OutboxAdminStore {

    private final AgroalDataSource dataSource;

    OutboxAdminStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @RegisterForReflection // serialized by the admin API (native builds)
    public record RowView(long id, UUID eventId, String aggregateId, long aggregateVersion, String eventType,
                          String status, int attempts, Instant nextAttemptAt, String lastError, Instant createdAt,
                          Instant dispatchedAt) {
    }

    @RegisterForReflection
    public record Counts(long pending, long dispatched, long dead) {
    }

    public record Gauges(long pending, long dead, double oldestPendingAgeSeconds) {
    }

    public List<RowView> list(String status, String eventType, String aggregateId, long afterId, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("""
                SELECT id, event_id, aggregate_id, aggregate_version, event_type, status, attempts,
                       next_attempt_at, last_error, created_at, dispatched_at
                FROM outbox WHERE status = ? AND id > ?""");
        if (eventType != null) {
            sql.append(" AND event_type = ?");
        }
        if (aggregateId != null) {
            sql.append(" AND aggregate_id = ?");
        }
        sql.append(" ORDER BY id LIMIT ?");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int index = 1;
            statement.setString(index++, status);
            statement.setLong(index++, afterId);
            if (eventType != null) {
                statement.setString(index++, eventType);
            }
            if (aggregateId != null) {
                statement.setString(index++, aggregateId);
            }
            statement.setInt(index, limit);
            List<RowView> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(new RowView(rs.getLong(1), (UUID) rs.getObject(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5), rs.getString(6), rs.getInt(7), instant(rs.getTimestamp(8)),
                            rs.getString(9), instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11))));
                }
            }
            return rows;
        }
    }

    public Counts counts() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT count(*) FILTER (WHERE status = 'pending'),
                            count(*) FILTER (WHERE status = 'dispatched') + (SELECT count(*) FROM outbox_dispatched),
                            count(*) FILTER (WHERE status = 'dead')
                     FROM outbox""");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /** Cheap, index-backed figures for the gauges (no scan of dispatched rows). */
    public Gauges gauges() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT (SELECT count(*) FROM outbox WHERE status = 'pending'),
                            (SELECT count(*) FROM outbox WHERE status = 'dead'),
                            (SELECT extract(epoch FROM now() - created_at) FROM outbox
                              WHERE status = 'pending' ORDER BY id LIMIT 1)""");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return new Gauges(rs.getLong(1), rs.getLong(2), Math.max(0, rs.getDouble(3)));
        }
    }

    public enum RequeueResult { REQUEUED, NOT_FOUND, NOT_DEAD }

    /** A dead row goes back to pending with a fresh attempt budget; the relays are woken. */
    public RequeueResult requeue(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now()
                    WHERE id = ? AND status = 'dead'""")) {
                update.setLong(1, id);
                if (update.executeUpdate() == 1) {
                    notifyRelays(connection);
                    connection.commit();
                    return RequeueResult.REQUEUED;
                }
            }
            // a relayed row (moved to outbox_dispatched) exists too: requeuing it is a conflict, not "not found"
            try (PreparedStatement exists = connection.prepareStatement(
                    "SELECT 1 FROM outbox WHERE id = ? UNION ALL SELECT 1 FROM outbox_dispatched WHERE id = ?")) {
                exists.setLong(1, id);
                exists.setLong(2, id);
                try (ResultSet rs = exists.executeQuery()) {
                    connection.commit();
                    return rs.next() ? RequeueResult.NOT_DEAD : RequeueResult.NOT_FOUND;
                }
            }
        }
    }

    public int requeueDeadOfType(String eventType) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now()
                    WHERE status = 'dead' AND event_type = ?""")) {
                update.setString(1, eventType);
                int count = update.executeUpdate();
                notifyRelays(connection);
                connection.commit();
                return count;
            }
        }
    }

    /**
     * Deletes relayed rows older than the retention in batches of {@code batchSize}, each in its own short
     * transaction, so cleanup never holds long locks next to the relay: the dispatched log's rows (V23), then
     * rows an older relay marked dispatched in the outbox itself.
     */
    public long deleteDispatchedOlderThan(Duration retention, int batchSize, int maxBatches) throws SQLException {
        long deleted = 0;
        int batches = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement relayed = connection.prepareStatement("""
                     DELETE FROM outbox_dispatched WHERE id IN (
                         SELECT id FROM outbox_dispatched
                         WHERE dispatched_at < now() - make_interval(secs => ?)
                         ORDER BY dispatched_at LIMIT ?)""");
             PreparedStatement markedInPlace = connection.prepareStatement("""
                     DELETE FROM outbox WHERE id IN (
                         SELECT id FROM outbox
                         WHERE status = 'dispatched' AND dispatched_at < now() - make_interval(secs => ?)
                         ORDER BY dispatched_at LIMIT ?)""")) {
            connection.setAutoCommit(true);
            for (PreparedStatement delete : List.of(relayed, markedInPlace)) {
                // one budget of batches per run for both tables
                for (int count = batchSize; count == batchSize && batches < maxBatches; batches++) {
                    delete.setDouble(1, retention.toMillis() / 1000.0);
                    delete.setInt(2, batchSize);
                    count = delete.executeUpdate();
                    deleted += count;
                }
            }
        }
        return deleted;
    }

    /** Whether a pooled connection answers within {@code timeoutSeconds}; throws when none can be had. */
    public boolean databaseAnswers(int timeoutSeconds) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(timeoutSeconds);
        }
    }

    private static void notifyRelays(Connection connection) throws SQLException {
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify('"
                + OutboxNotificationListener.CHANNEL + "', '')")) {
            notify.execute();
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return Optional.ofNullable(timestamp).map(Timestamp::toInstant).orElse(null);
    }
}
