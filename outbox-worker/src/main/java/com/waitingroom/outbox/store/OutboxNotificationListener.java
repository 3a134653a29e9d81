package com.waitingroom.outbox.store;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Holds one connection LISTENing on {@code outbox_pending} (notified by the outbox insert trigger
 * on commit) and calls {@code onNotify} for every notification. After a lost connection it
 * reconnects and fires once, because notifications sent meanwhile are gone.
 */
public final class OutboxNotificationListener implements Runnable {

    public static final String CHANNEL = "outbox_pending";
    private static final Logger LOG = Logger.getLogger(OutboxNotificationListener.class);

    private final DataSource dataSource;
    private final Runnable onNotify;
    private volatile boolean running = true;

    public OutboxNotificationListener(DataSource dataSource, Runnable onNotify) {
        this.dataSource = dataSource;
        this.onNotify = onNotify;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        long retryMillis = 200;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                retryMillis = 200;
                onNotify.run(); // catch up on anything committed while we were not listening
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications != null && notifications.length > 0) {
                        onNotify.run();
                    }
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
            }
        }
    }
}
