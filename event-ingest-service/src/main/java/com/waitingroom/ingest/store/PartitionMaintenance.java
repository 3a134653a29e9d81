package com.waitingroom.ingest.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.waitingroom.ingest.config.IngestConfig;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Daily partitions (UTC days): creates the partitions for the retention window and
 * {@code createAheadDays} ahead, and drops partitions that fell out of retention (a DROP TABLE,
 * not a DELETE, so no bloat and no vacuum). Runs at start-up and on a schedule; an advisory lock
 * keeps several replicas from doing it at the same time. Uses JDBC because it is rare DDL.
 */
@ApplicationScoped
public class PartitionMaintenance {

    private static final Logger LOG = Logger.getLogger(PartitionMaintenance.class);
    static final String PARENT = "ingest_events";
    static final String PREFIX = "ingest_events_p";
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.BASIC_ISO_DATE;
    private static final long LOCK_KEY = 0x1_6E6_0E57L;

    private final DataSource dataSource;
    private final IngestConfig.Partitions config;
    private final Clock clock;

    public PartitionMaintenance(DataSource dataSource, IngestConfig config) {
        this.dataSource = dataSource;
        this.config = config.partitions();
        this.clock = Clock.systemUTC();
    }

    void onStart(@Observes StartupEvent event) {
        if (config.maintenanceEnabled()) {
            run();
        }
    }

    @Scheduled(every = "${ingest.partitions.every}", delayed = "${ingest.partitions.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.maintenanceEnabled()) {
            run();
        }
    }

    /** Creates missing partitions and drops expired ones; failures are logged and retried next run. */
    public synchronized void run() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        try (Connection connection = dataSource.getConnection()) {
            List<LocalDate> existing = existingPartitionDays(connection);
            for (LocalDate day = today.minusDays(config.retentionDays()); !day.isAfter(today.plusDays(config.createAheadDays()));
                    day = day.plusDays(1)) {
                if (!existing.contains(day)) {
                    createPartition(connection, day);
                }
            }
            dropExpired(connection, today);
        } catch (SQLException e) {
            LOG.errorf("Partition maintenance failed (retried on the next run): %s", e.getMessage());
        }
    }

    public List<LocalDate> existingPartitionDays(Connection connection) throws SQLException {
        List<LocalDate> days = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT child.relname FROM pg_inherits
                JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
                JOIN pg_class child ON child.oid = pg_inherits.inhrelid
                WHERE parent.relname = ? AND child.relname LIKE ?""")) {
            query.setString(1, PARENT);
            query.setString(2, PREFIX + "%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    days.add(LocalDate.parse(rows.getString(1).substring(PREFIX.length()), SUFFIX));
                }
            }
        }
        return days;
    }

    /**
     * Rows that landed in the default partition for this day (only possible if the partition was
     * missing) are moved into it in the same transaction, otherwise PostgreSQL refuses the attach.
     */
    void createPartition(Connection connection, LocalDate day) throws SQLException {
        String name = PREFIX + day.format(SUFFIX);
        String from = "'" + day + " 00:00:00+00'";
        String to = "'" + day.plusDays(1) + " 00:00:00+00'";
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement sql = connection.createStatement()) {
            sql.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            try (ResultSet exists = sql.executeQuery("SELECT to_regclass('" + name + "') IS NOT NULL")) {
                exists.next();
                if (exists.getBoolean(1)) {
                    connection.commit();
                    return;
                }
            }
            boolean strays;
            try (ResultSet rows = sql.executeQuery(
                    "SELECT EXISTS (SELECT 1 FROM ingest_events_default WHERE ts >= " + from + " AND ts < " + to + ")")) {
                rows.next();
                strays = rows.getBoolean(1);
            }
            if (strays) {
                sql.execute("CREATE TABLE " + name + " (LIKE " + PARENT + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                int moved = sql.executeUpdate("WITH moved AS (DELETE FROM ingest_events_default WHERE ts >= " + from
                        + " AND ts < " + to + " RETURNING *) INSERT INTO " + name + " SELECT * FROM moved");
                sql.execute("ALTER TABLE " + PARENT + " ATTACH PARTITION " + name + " FOR VALUES FROM (" + from + ") TO (" + to + ")");
                LOG.infof("Created partition %s and moved %d rows from the default partition into it", name, moved);
            } else {
                sql.execute("CREATE TABLE " + name + " PARTITION OF " + PARENT + " FOR VALUES FROM (" + from + ") TO (" + to + ")");
                LOG.debugf("Created partition %s", name);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    void dropExpired(Connection connection, LocalDate today) throws SQLException {
        LocalDate oldestKept = today.minusDays(config.retentionDays());
        for (LocalDate day : existingPartitionDays(connection)) {
            if (day.isBefore(oldestKept)) {
                try (Statement sql = connection.createStatement()) {
                    sql.execute("DROP TABLE IF EXISTS " + PREFIX + day.format(SUFFIX));
                }
                LOG.infof("Dropped partition of %s (retention %d days)", day, config.retentionDays());
            }
        }
        try (Statement sql = connection.createStatement()) {
            sql.executeUpdate("DELETE FROM ingest_events_default WHERE ts < '" + oldestKept + " 00:00:00+00'");
            // the summary only looks back 24 h; keep two days of per-minute counts
            sql.executeUpdate("DELETE FROM ingest_event_counts WHERE minute < now() - interval '2 days'");
        }
    }
}
