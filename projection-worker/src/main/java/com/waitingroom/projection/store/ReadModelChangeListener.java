package com.waitingroom.projection.store;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Holds one connection LISTENing on {@link ReadModelChanges#CHANNEL} and hands the changed queue ids
 * to its consumer, whichever replica committed them. Notifications that arrive together are passed
 * as one set. After a lost connection it reconnects and reports {@link ReadModelChanges#EVERY_QUEUE}
 * once, because notifications sent meanwhile are gone.
 */
public final class ReadModelChangeListener implements Runnable {

    private static final Logger LOG = Logger.getLogger(ReadModelChangeListener.class);
    private static final int POLL_MILLIS = 500;
    /** getNotifications never writes: a silently dead connection is only noticed by a round trip. */
    private static final long PING_MILLIS = 5000;

    private final DataSource dataSource;
    private final Consumer<Set<String>> changed;
    private volatile boolean running = true;

    public ReadModelChangeListener(DataSource dataSource, Consumer<Set<String>> changed) {
        this.dataSource = dataSource;
        this.changed = changed;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        long retryMillis = 200;
        boolean lostOnce = false;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + ReadModelChanges.CHANNEL);
                }
                if (lostOnce) {
                    LOG.info("read-model change LISTEN connection restored; refreshing every stream");
                }
                retryMillis = 200;
                changed.accept(Set.of(ReadModelChanges.EVERY_QUEUE)); // anything committed while not listening
                try {
                    listen(connection);
                } finally {
                    unlisten(connection);
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                lostOnce = true;
                LOG.warnf("read-model change LISTEN connection lost (%s); retrying in %d ms", e.getMessage(),
                        retryMillis);
                try {
                    Thread.sleep(retryMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                retryMillis = Math.min(retryMillis * 2, 5000);
            }
        }
    }

    private void listen(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long lastPing = System.nanoTime();
        while (running) {
            if (System.nanoTime() - lastPing > PING_MILLIS * 1_000_000) {
                try (Statement statement = connection.createStatement()) {
                    statement.setQueryTimeout(5);
                    statement.execute("SELECT 1"); // throws on a dead connection: reconnect, refresh all
                }
                lastPing = System.nanoTime();
            }
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null && notifications.length > 0) {
                Set<String> queues = new HashSet<>();
                for (PGNotification notification : notifications) {
                    queues.add(notification.getParameter());
                }
                changed.accept(queues);
            }
        }
    }

    /** The connection goes back to the pool, where its session would keep LISTENing: end it, or discard it. */
    private static void unlisten(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN *");
        } catch (SQLException | RuntimeException e) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // already gone
            }
        }
    }
}
