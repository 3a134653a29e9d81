package com.waitingroom.api.store;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Tells infrastructure failures of the event store (it cannot be reached, the connection broke,
 * the server is shutting down or out of resources) from statements the store refused (a unique
 * violation, bad SQL). The former are answered 503 + Retry-After, never 500.
 */
public final class StoreFailures {

    /**
     * SQLSTATE classes of a server that cannot serve us now: 08 connection exception, 28 invalid
     * authorization (a rotated secret), 53 insufficient resources (disk full, too many
     * connections), 57 operator intervention (shutdown, cancel, starting up), 58 system error (I/O).
     */
    private static final Set<String> UNAVAILABLE_SQLSTATE_CLASSES = Set.of("08", "28", "53", "57", "58");

    /**
     * The server is closing our session: sent on its way down, possibly right after it committed
     * the statement whose answer it was about to send.
     */
    private static final Set<String> SESSION_TERMINATED_SQLSTATES = Set.of("57P01", "57P02");

    private static final int MAX_CAUSES = 16;

    private StoreFailures() {
    }

    /** Whether {@code failure} (or one of its causes) says the store cannot be used right now. */
    public static boolean isUnavailable(Throwable failure) {
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth++ < MAX_CAUSES; cause = cause.getCause()) {
            if (saysUnavailable(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean saysUnavailable(Throwable cause) {
        if (cause instanceof StoreUnavailableException || cause instanceof CommitOutcomeUnknownException
                // refused, reset, broken pipe, connect timeout, closed channel, TLS failure
                || cause instanceof IOException
                || cause instanceof ClosedConnectionException
                || cause instanceof ConnectionPoolTooBusyException) {
            return true;
        }
        if (cause instanceof PgException pg) {
            String state = pg.getSqlState();
            return state != null && state.length() == 5 && UNAVAILABLE_SQLSTATE_CLASSES.contains(state.substring(0, 2));
        }
        // the pool's "Timeout" (waiting for a connection), "Connection is not active now",
        // "Pending requests failed to be sent due to connection has been closed", ...
        return (cause instanceof VertxException || cause instanceof NoStackTraceThrowable)
                && mentionsConnectionOrTimeout(cause.getMessage());
    }

    /**
     * The failure of a statement that could not be sent (no connection was obtained): nothing
     * reached PostgreSQL, so nothing was recorded.
     */
    public static Throwable beforeSending(Throwable failure) {
        return isUnavailable(failure) && !(failure instanceof StoreUnavailableException)
                ? new StoreUnavailableException(failure) : failure;
    }

    /**
     * The failure of a write statement already handed to a connection. A connection lost (or a
     * session terminated) before its answer arrived leaves the outcome unknown: the statement may
     * have committed. An error PostgreSQL answered for it means it did not.
     */
    public static Throwable afterSending(Throwable failure) {
        if (!isUnavailable(failure) || failure instanceof StoreUnavailableException
                || failure instanceof CommitOutcomeUnknownException) {
            return failure;
        }
        PgException answered = pgException(failure);
        return answered == null || SESSION_TERMINATED_SQLSTATES.contains(answered.getSqlState())
                ? new CommitOutcomeUnknownException(failure) : new StoreUnavailableException(failure);
    }

    private static PgException pgException(Throwable failure) {
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth++ < MAX_CAUSES; cause = cause.getCause()) {
            if (cause instanceof PgException pg) {
                return pg;
            }
        }
        return null;
    }

    private static boolean mentionsConnectionOrTimeout(String message) {
        if (message == null) {
            return false;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("connection") || lower.startsWith("timeout");
    }
}
