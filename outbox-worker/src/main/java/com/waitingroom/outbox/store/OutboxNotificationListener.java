package com.waitingroom.outbox.store;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Holds one connection LISTENing on {@code outbox_pending} and wakes the relay's workers on every
 * notification. The replica that holds the leader lock on this connection also runs the sleep
 * handshake of the coalesced NOTIFY (V2__outbox_coalesced_notify.sql): once its workers have found
 * no work for the linger time it takes the "relay asleep" lock, which makes writers notify, and
 * has the workers claim once more; it gives the lock back as soon as it is woken or its workers
 * find work again. After a lost connection it reconnects and wakes the workers once, because
 * notifications sent meanwhile are gone.
 */
public final class OutboxNotificationListener implements Runnable {

    public static final String CHANNEL = "outbox_pending";
    /** Advisory lock held exclusive by the sleeping relay; writers try it shared (V2 migration). */
    public static final long RELAY_ASLEEP_LOCK = 7400500001L;
    /** Advisory lock of the leader replica, the only one that may fall asleep. */
    public static final long LEADER_LOCK = 7400500002L;
    /** Waiting longer for writers to commit would leave notified rows waiting meanwhile. */
    private static final Duration HANDSHAKE_LOCK_TIMEOUT = Duration.ofMillis(50);
    private static final long LEADERSHIP_RETRY_MILLIS = 1000;
    /** How often an asleep leader checks whether its workers found work without a notification. */
    private static final long ASLEEP_CHECK_MILLIS = 10;
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Logger LOG = Logger.getLogger(OutboxNotificationListener.class);

    /** What the listener needs from its relay replica. */
    public interface Relay {
        /** Makes every worker claim (again) now. */
        void wakeWorkers();

        /** Counts claims that found work; unchanged while the workers are idle. */
        long workSeen();

        /** How long ago a claim last found work. */
        Duration idleFor();
    }

    private final DataSource dataSource;
    private final Relay relay;
    private final Duration linger;
    private volatile boolean running = true;
    private volatile boolean leader;
    private volatile boolean asleep;

    public OutboxNotificationListener(DataSource dataSource, Relay relay, Duration linger) {
        this.dataSource = dataSource;
        this.relay = relay;
        this.linger = linger;
    }

    public void stop() {
        running = false;
    }

    public boolean isLeader() {
        return leader;
    }

    /** Whether this replica holds the "relay asleep" lock (writers notify). */
    public boolean isAsleep() {
        return asleep;
    }

    @Override
    public void run() {
        long retryMillis = 200;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                    statement.execute("SET lock_timeout = " + HANDSHAKE_LOCK_TIMEOUT.toMillis());
                }
                retryMillis = 200;
                relay.wakeWorkers(); // catch up on anything committed while we were not listening
                try {
                    listen(connection);
                } finally {
                    releaseSession(connection);
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("outbox LISTEN connection lost (%s); retrying in %d ms", e.getMessage(), retryMillis);
                try {
                    Thread.sleep(retryMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                retryMillis = Math.min(retryMillis * 2, 5000);
            } finally {
                leader = false;
                asleep = false;
            }
        }
    }

    private void listen(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long nextLeadershipAttempt = 0;
        long workSeenWhenAsleep = 0;
        while (running) {
            if (!leader && System.currentTimeMillis() >= nextLeadershipAttempt) {
                leader = tryLeadership(connection);
                nextLeadershipAttempt = System.currentTimeMillis() + LEADERSHIP_RETRY_MILLIS;
                if (leader) {
                    LOG.info("this outbox relay replica is the leader (sleeps between bursts, woken by NOTIFY)");
                }
            }
            if (asleep && relay.workSeen() != workSeenWhenAsleep) {
                wakeUp(connection); // a timer, an operator or the final claim found work
            }
            if (leader && !asleep && relay.idleFor().compareTo(linger) >= 0) {
                workSeenWhenAsleep = relay.workSeen();
                asleep = awaitAsleepLock(connection);
                // Asleep: the final claim sees every writer that skipped its NOTIFY (they have
                // committed). Lock timeout (a long writing transaction): keep polling meanwhile.
                relay.wakeWorkers();
            }
            PGNotification[] notifications = pg.getNotifications((int) waitMillis());
            if (notifications != null && notifications.length > 0) {
                if (asleep) {
                    wakeUp(connection);
                }
                relay.wakeWorkers();
            }
        }
    }

    private long waitMillis() {
        if (asleep) {
            return ASLEEP_CHECK_MILLIS;
        }
        if (!leader) {
            return Math.min(500, LEADERSHIP_RETRY_MILLIS);
        }
        return Math.max(1, linger.minus(relay.idleFor()).toMillis());
    }

    private void wakeUp(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_unlock(" + RELAY_ASLEEP_LOCK + ")");
        }
        asleep = false;
    }

    /**
     * The connection goes back to a pool, where its session would keep LISTENing and holding the
     * locks: end both, or discard the connection if that fails (a lost connection ends them anyway).
     */
    private static void releaseSession(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN *");
            statement.execute("SELECT pg_advisory_unlock_all()");
        } catch (SQLException | RuntimeException e) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // already gone
            }
        }
    }

    private static boolean tryLeadership(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_try_advisory_lock(" + LEADER_LOCK + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Queues for the "relay asleep" lock: from now on writers notify, and the lock is granted once
     * the writers that skipped their NOTIFY have committed. False after the lock timeout.
     */
    private static boolean awaitAsleepLock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + RELAY_ASLEEP_LOCK + ")");
            return true;
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }
}
