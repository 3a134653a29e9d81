package com.waitingroom.outbox.store;

import com.waitingroom.outbox.domain.OutboxRow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The relay's SQL. Every method runs on the caller's connection so claim, publish and the status
 * update share one transaction: the row locks taken by the claim are what keeps other replicas
 * away from the rows while they are being published.
 */
public final class RelayStore {

    /**
     * Locks the oldest due pending rows (skipping rows another replica holds) and flags those that
     * may be published now. Aggregates stuck behind a dead or backing-off row are left out of the
     * window entirely, so they cannot starve the others (no head-of-line blocking). Of the locked
     * rows, one is held back while an earlier version of its aggregate is undispatched outside this
     * batch (typically in flight in another worker's or replica's batch). No high-water mark is
     * used, so a transaction committing out of id order is simply picked up by the next claim.
     * The rows of this worker's own batch in flight (published on the same channel, awaiting their
     * confirms) do not hold their successors back: the next batch follows them on that channel.
     * The per-aggregate look-ups are skipped when no due row below the batch's last id was passed over
     * (typically: locked by another worker or replica). An aggregate's outbox ids rise with its versions
     * (api-service writes a version only once the one before it committed, and inserts one statement's
     * rows ordered by aggregate and version), so an earlier version of a candidate that is neither in
     * this batch nor in flight here lies below it; it cannot be dead or backing off (the candidate would
     * then be left out as stuck), nor a successor of such a row (those come after the candidate).
     */
    private static final String CLAIM = """
            WITH stuck AS (
                SELECT aggregate_id, min(aggregate_version) AS from_version
                FROM (SELECT aggregate_id, aggregate_version FROM outbox WHERE status = 'dead'
                      UNION ALL
                      SELECT aggregate_id, aggregate_version FROM outbox
                      WHERE status = 'pending' AND next_attempt_at > now()) s
                GROUP BY aggregate_id
            ), candidates AS (
                SELECT o.id, o.event_id, o.aggregate_id, o.aggregate_version, o.event_type, o.routing_key,
                       o.correlation_id, o.causation_id, o.schema_version,
                       -- Instant.toEpochMilli's rounding (down); exact as extract() is numeric (PostgreSQL 14+)
                       floor(extract(epoch FROM o.occurred_at) * 1000)::bigint AS occurred_at_ms,
                       o.envelope, o.attempts, o.created_at, o.traceparent, o.tracestate
                FROM outbox o
                WHERE o.status = 'pending' AND o.next_attempt_at <= now()
                  AND NOT EXISTS (SELECT 1 FROM stuck s
                                  WHERE s.aggregate_id = o.aggregate_id AND s.from_version < o.aggregate_version)
                ORDER BY o.id
                LIMIT ?
                FOR UPDATE OF o SKIP LOCKED
            ), skipped AS MATERIALIZED ( -- a due row below the batch that is neither in it nor in flight here
                SELECT EXISTS (SELECT 1 FROM outbox o
                               WHERE o.status = 'pending' AND o.next_attempt_at <= now()
                                 AND o.id < (SELECT max(id) FROM candidates)
                                 AND o.id NOT IN (SELECT id FROM candidates)
                                 AND o.id NOT IN (SELECT unnest(?::bigint[]))
                                 AND NOT EXISTS (SELECT 1 FROM stuck s WHERE s.aggregate_id = o.aggregate_id
                                                   AND s.from_version < o.aggregate_version)) AS found
            ), blockers AS MATERIALIZED ( -- one look-up per aggregate, not one (or two) per claimed row
                SELECT a.aggregate_id,
                       (SELECT o.aggregate_version FROM outbox o
                         WHERE o.aggregate_id = a.aggregate_id AND o.status <> 'dispatched'
                           AND o.id NOT IN (SELECT id FROM candidates)
                           AND o.id NOT IN (SELECT unnest(?::bigint[])) -- hashed, not a scan per row
                         ORDER BY o.aggregate_version LIMIT 1) AS first_blocked_version
                FROM (SELECT DISTINCT aggregate_id FROM candidates) a
                WHERE (SELECT found FROM skipped)
            )
            SELECT c.id, c.event_id, c.aggregate_id, c.aggregate_version, c.event_type, c.routing_key,
                   c.correlation_id, c.causation_id, c.schema_version, c.occurred_at_ms, c.envelope, c.attempts,
                   c.created_at,
                   b.first_blocked_version IS NULL OR c.aggregate_version < b.first_blocked_version AS publishable,
                   c.traceparent, c.tracestate
            FROM candidates c
            LEFT JOIN blockers b ON b.aggregate_id = c.aggregate_id
            ORDER BY c.aggregate_id, c.aggregate_version
            """;

    /**
     * A relayed row leaves the outbox for the narrow dispatched log (V23): a delete and a small insert cost far less
     * than rewriting the row with its envelope, and the claim's indexes stay as small as the backlog.
     */
    private static final String MARK_DISPATCHED = """
            WITH relayed AS (
                DELETE FROM outbox WHERE id = ANY (?)
                RETURNING id, event_id, aggregate_id, aggregate_version, event_type, attempts, created_at
            )
            INSERT INTO outbox_dispatched (id, event_id, aggregate_id, aggregate_version, event_type, attempts, created_at)
            SELECT id, event_id, aggregate_id, aggregate_version, event_type, attempts, created_at FROM relayed
            """;

    /**
     * A batch's transaction waits at most this long for a table lock. The claim never waits for rows (SKIP LOCKED),
     * only behind a table lock someone else requested (DDL, LOCK TABLE): that request waits for this worker's batches
     * in flight, whose transactions stay open until this worker finishes them, and this worker waits on the claim,
     * a cycle PostgreSQL cannot see. Timing out rolls every batch in flight back (an outage: no attempt counted), so
     * the lock is granted and the relay resumes after it.
     */
    private static final String BOUNDED_LOCK_WAIT = "SET LOCAL lock_timeout = '1s'";

    /** The claim with every per-aggregate look-up made: the reference the shortcut is tested against. */
    static final String CLAIM_ALWAYS_LOOKING_UP = CLAIM.replace("WHERE (SELECT found FROM skipped)", "");

    private final String claimSql;

    public RelayStore() {
        this(CLAIM);
    }

    RelayStore(String claimSql) {
        this.claimSql = claimSql;
    }

    /** Result of a claim: the publishable rows and how many rows were locked (publishable or not). */
    public record Claim(List<OutboxRow> rows, int candidates) {
        public boolean someBlocked() {
            return candidates > rows.size();
        }
    }

    public Claim claim(Connection connection, int batchSize) throws SQLException {
        return claim(connection, batchSize, new Long[0]);
    }

    /** A claim while this worker's batch {@code inFlightIds} awaits its confirms (pipelining). */
    public Claim claim(Connection connection, int batchSize, Long[] inFlightIds) throws SQLException {
        try (Statement bounded = connection.createStatement()) {
            bounded.execute(BOUNDED_LOCK_WAIT);
        }
        try (PreparedStatement statement = connection.prepareStatement(claimSql)) {
            statement.setInt(1, batchSize);
            Array inFlight = connection.createArrayOf("bigint", inFlightIds);
            statement.setArray(2, inFlight);
            statement.setArray(3, inFlight);
            List<OutboxRow> rows = new ArrayList<>();
            int candidates = 0;
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    candidates++;
                    if (!rs.getBoolean(14)) {
                        continue;
                    }
                    rows.add(new OutboxRow(
                            rs.getLong(1), (UUID) rs.getObject(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getObject(9, Integer.class), rs.getObject(10, Long.class), // null: writer before V24
                            rs.getBytes(11), rs.getInt(12), // the stored text's bytes as received: no decode/encode
                            rs.getTimestamp(13).toInstant(), rs.getString(15), rs.getString(16)));
                }
            }
            return new Claim(rows, candidates);
        }
    }

    public void markDispatched(Connection connection, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(MARK_DISPATCHED)) {
            Array array = connection.createArrayOf("bigint", ids.toArray());
            statement.setArray(1, array);
            statement.executeUpdate();
        }
    }

    /** One failed publish of a row: the new attempt count, its error and when to retry (or dead). */
    public record Failure(long id, int attempts, String error, long retryInMillis, boolean dead) {
    }

    public void recordFailures(Connection connection, List<Failure> failures) throws SQLException {
        if (failures.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("""
                UPDATE outbox SET attempts = ?, last_error = ?, status = ?,
                       next_attempt_at = now() + make_interval(secs => ?)
                WHERE id = ?""")) {
            for (Failure failure : failures) {
                statement.setInt(1, failure.attempts());
                statement.setString(2, truncate(failure.error()));
                statement.setString(3, failure.dead() ? "dead" : "pending");
                statement.setDouble(4, failure.retryInMillis() / 1000.0);
                statement.setLong(5, failure.id());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** When the next backed-off row becomes due, if any is waiting. */
    public Optional<Instant> nextDueAt(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' AND next_attempt_at > now()");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            Timestamp next = rs.getTimestamp(1);
            return Optional.ofNullable(next).map(Timestamp::toInstant);
        }
    }

    private static String truncate(String error) {
        if (error == null) {
            return null;
        }
        return error.length() <= 2000 ? error : error.substring(0, 2000);
    }
}
