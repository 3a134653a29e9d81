package com.waitingroom.projection.store;

import com.waitingroom.kernel.EventCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;
import static com.waitingroom.projection.store.ReadModelWriter.instant;

/** Checkpoint, backlog and lag-window statistics. */
@ApplicationScoped
public class ProjectionStatusQueries {

    @Inject
    DataSource dataSource;

    private final EventStoreReader store = new EventStoreReader(EventCodec.standard());

    public record StoredStatus(String status, String lastError, Instant lastErrorAt, Instant rebuildStartedAt,
                               Instant rebuildFinishedAt, long rebuildApplied, long rebuildTotal, long position,
                               Long storeEvents, long parked, long parkedQueues) {
    }

    public record LagStats(long count, Double p50, Double p95, Double p99, Double max) {
    }

    public Optional<StoredStatus> status(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long position;
            // Versions are applied contiguously per stream, so their sum is the number of events applied.
            try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(sum(last_version), 0) FROM "
                    + LIVE_SCHEMA + ".stream_positions"); ResultSet rs = s.executeQuery()) {
                rs.next();
                position = rs.getLong(1);
            }
            long parked;
            long parkedQueues;
            try (PreparedStatement s = c.prepareStatement("SELECT (SELECT count(*) FROM " + LIVE_SCHEMA
                    + ".parked_events), (SELECT count(*) FROM " + LIVE_SCHEMA + ".parked_queues)");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                parked = rs.getLong(1);
                parkedQueues = rs.getLong(2);
            }
            Long storeEvents = store.exists(c) ? store.count(c) : null;
            try (PreparedStatement s = c.prepareStatement("SELECT status, last_error, last_error_at, rebuild_started_at,"
                    + " rebuild_finished_at, rebuild_applied, rebuild_total FROM " + LIVE_SCHEMA
                    + ".projection_status WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredStatus(rs.getString(1), rs.getString(2), instant(rs, 3),
                            instant(rs, 4), instant(rs, 5), rs.getLong(6), rs.getLong(7), position, storeEvents,
                            parked, parkedQueues));
                }
            }
        }
    }

    /** End-to-end lag (occurred-at -> applied) in milliseconds over applied_events in [from, to). */
    public LagStats lag(String eventType, Instant from, Instant to) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*),"
                     + " percentile_cont(0.5) WITHIN GROUP (ORDER BY lag), percentile_cont(0.95) WITHIN GROUP (ORDER BY lag),"
                     + " percentile_cont(0.99) WITHIN GROUP (ORDER BY lag), max(lag)"
                     + " FROM (SELECT extract(epoch FROM applied_at - occurred_at) * 1000 AS lag FROM " + LIVE_SCHEMA
                     + ".applied_events WHERE applied_at >= ? AND applied_at < ? AND (?::text IS NULL OR event_type = ?)) l")) {
            ReadModelWriter.setInstant(s, 1, from);
            ReadModelWriter.setInstant(s, 2, to);
            s.setString(3, eventType);
            s.setString(4, eventType);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long count = rs.getLong(1);
                return new LagStats(count, round(rs, 2), round(rs, 3), round(rs, 4), round(rs, 5));
            }
        }
    }

    /** Drops lag samples older than the retention; the per-stream versions stay the dedupe authority. */
    public int purgeSamplesBefore(Instant cutoff) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM " + LIVE_SCHEMA + ".applied_events WHERE applied_at < ?")) {
            ReadModelWriter.setInstant(s, 1, cutoff);
            return s.executeUpdate();
        }
    }

    private static Double round(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : Math.round(value * 100.0) / 100.0;
    }
}
