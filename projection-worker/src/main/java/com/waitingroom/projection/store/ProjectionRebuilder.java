package com.waitingroom.projection.store;

import com.waitingroom.kernel.EventCodec;
import com.waitingroom.projection.config.ProjectionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;
import static com.waitingroom.projection.store.ReadModelWriter.READ_MODEL_TABLES;
import static com.waitingroom.projection.store.ReadModelWriter.SHADOW_SCHEMA;

/**
 * Rebuilds the read models from public.events into a shadow schema (created by the same Flyway
 * migrations, so tables and index names are identical) while the live tables keep serving and
 * consuming, then swaps them in one transaction: lock the live tables, apply what the store gained
 * meanwhile, drop the live tables and move the shadow ones into their place.
 */
@ApplicationScoped
public class ProjectionRebuilder {

    private static final Logger LOG = Logger.getLogger(ProjectionRebuilder.class);
    private static final int PAGE = 1000;

    @Inject
    DataSource dataSource;
    @Inject
    Flyway flyway;

    private final AtomicBoolean running = new AtomicBoolean();
    private final EventStoreReader store = new EventStoreReader(EventCodec.standard());
    private final ReadModelWriter writer = new ReadModelWriter(store, EventCodec.standard());

    public boolean isRunning() {
        return running.get();
    }

    /** Starts a rebuild in the background; false when one is already running. */
    public boolean start() throws SQLException {
        if (!running.compareAndSet(false, true)) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            if (!store.exists(c)) {
                running.set(false);
                throw new IllegalStateException("the event store (public.events) does not exist in this database");
            }
            status(c, "REBUILDING", null, "rebuild_started_at = now(), rebuild_finished_at = NULL, rebuild_applied = 0,"
                    + " rebuild_total = " + store.count(c) + ",");
        } catch (SQLException | RuntimeException e) {
            running.set(false);
            throw e;
        }
        Thread thread = new Thread(this::run, "projection-rebuild");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    private void run() {
        long started = System.nanoTime();
        try {
            createShadow();
            long applied = replay();
            swap();
            LOG.infof("rebuild of %s finished: %d store events in %d ms", ProjectionConfig.PROJECTION_NAME, applied,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (Exception e) {
            LOG.errorf(e, "rebuild failed; the live read models are untouched");
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SHADOW_SCHEMA + " CASCADE");
                status(c, "LIVE", "rebuild failed: " + e.getMessage(), "");
            } catch (SQLException ignored) {
                LOG.warn("could not record the rebuild failure");
            }
        } finally {
            running.set(false);
        }
    }

    private void createShadow() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SHADOW_SCHEMA + " CASCADE");
        }
        Flyway.configure().configuration(flyway.getConfiguration())
                .schemas(SHADOW_SCHEMA).defaultSchema(SHADOW_SCHEMA).createSchemas(true)
                .load().migrate();
    }

    private long replay() throws SQLException {
        long applied = 0;
        long[] position = {0};
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            while (true) {
                List<IncomingEvent> page = store.page(c, position[0], PAGE, position);
                if (page.isEmpty()) {
                    break;
                }
                applied += writer.apply(c, SHADOW_SCHEMA, page, false, List.of()).applied().size();
                progress(c, applied);
                c.commit();
            }
            // Catch up with what was appended during the replay, still without blocking the live side.
            applied += catchUp(c);
            c.commit();
        }
        return applied;
    }

    private long catchUp(Connection c) throws SQLException {
        long applied = 0;
        while (true) {
            List<IncomingEvent> missing = store.notYetApplied(c, SHADOW_SCHEMA, PAGE);
            if (missing.isEmpty()) {
                return applied;
            }
            applied += writer.apply(c, SHADOW_SCHEMA, missing, false, List.of()).applied().size();
            progress(c, applied);
        }
    }

    private void swap() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // stream_positions first: the live applier also locks it first, so no deadlock.
                s.execute("LOCK TABLE " + String.join(", ", READ_MODEL_TABLES.stream().map(t -> LIVE_SCHEMA + "." + t)
                        .toList()) + " IN ACCESS EXCLUSIVE MODE");
                catchUp(c);
                for (String table : READ_MODEL_TABLES) {
                    s.execute("DROP TABLE " + LIVE_SCHEMA + "." + table);
                    s.execute("ALTER TABLE " + SHADOW_SCHEMA + "." + table + " SET SCHEMA " + LIVE_SCHEMA);
                }
                s.execute("DROP SCHEMA " + SHADOW_SCHEMA + " CASCADE");
                ReadModelChanges.notifyEveryQueue(s);
            }
            status(c, "LIVE", null, "rebuild_finished_at = now(),");
            c.commit();
        }
    }

    private void progress(Connection c, long applied) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + LIVE_SCHEMA
                + ".projection_status SET rebuild_applied = ?, updated_at = now() WHERE name = ?")) {
            update.setLong(1, applied);
            update.setString(2, ProjectionConfig.PROJECTION_NAME);
            update.executeUpdate();
        }
    }

    private static void status(Connection c, String status, String error, String extraAssignments) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + LIVE_SCHEMA + ".projection_status SET "
                + extraAssignments + " status = ?, last_error = COALESCE(?, last_error),"
                + " last_error_at = CASE WHEN ? IS NULL THEN last_error_at ELSE now() END, updated_at = now()"
                + " WHERE name = ?")) {
            update.setString(1, status);
            update.setString(2, error);
            update.setString(3, error);
            update.setString(4, ProjectionConfig.PROJECTION_NAME);
            update.executeUpdate();
        }
    }
}
