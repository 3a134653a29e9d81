package com.waitingroom.api.store;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the Vert.x PostgreSQL client fails with when the store goes away, and what each means. */
class StoreFailuresTest {

    private static PgException pg(String sqlState) {
        return new PgException("message", "FATAL", sqlState, null);
    }

    @Test
    void connectionLossesRefusalsAndPoolTimeoutsAreUnavailability() {
        assertTrue(StoreFailures.isUnavailable(new SocketException("Connection reset")));
        assertTrue(StoreFailures.isUnavailable(new IOException("Broken pipe")));
        assertTrue(StoreFailures.isUnavailable(new ConnectException("Connection refused")));
        assertTrue(StoreFailures.isUnavailable(new ConnectTimeoutException("connection timed out: /10.0.0.1:5432")));
        assertTrue(StoreFailures.isUnavailable(ClosedConnectionException.INSTANCE));
        assertTrue(StoreFailures.isUnavailable(new NoStackTraceThrowable("Timeout")));
        assertTrue(StoreFailures.isUnavailable(new VertxException("Timeout waiting for connection", true)));
        assertTrue(StoreFailures.isUnavailable(
                new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
        assertTrue(StoreFailures.isUnavailable(new VertxException("Connection was closed")));
        assertTrue(StoreFailures.isUnavailable(pg("57P01")), "admin shutdown");
        assertTrue(StoreFailures.isUnavailable(pg("57P03")), "the database system is starting up");
        assertTrue(StoreFailures.isUnavailable(pg("53300")), "too many connections");
        assertTrue(StoreFailures.isUnavailable(pg("08006")), "connection failure");
        assertTrue(StoreFailures.isUnavailable(new CompletionException(new SocketException("Connection reset"))),
                "found among the causes");
    }

    @Test
    void refusedStatementsAndProgrammingErrorsAreNot() {
        assertFalse(StoreFailures.isUnavailable(pg("23505")), "unique violation");
        assertFalse(StoreFailures.isUnavailable(pg("42P01")), "undefined table");
        assertFalse(StoreFailures.isUnavailable(new IllegalStateException("stored JSON does not match")));
        assertFalse(StoreFailures.isUnavailable(new VertxException("Invalid tuple")));
        assertFalse(StoreFailures.isUnavailable(new NullPointerException()));
    }

    @Test
    void nothingSentMeansNothingRecorded() {
        assertInstanceOf(StoreUnavailableException.class, StoreFailures.beforeSending(new ConnectException("refused")));
        assertInstanceOf(StoreUnavailableException.class, StoreFailures.beforeSending(ClosedConnectionException.INSTANCE));
        IllegalStateException bug = new IllegalStateException("bug");
        assertSame(bug, StoreFailures.beforeSending(bug));
    }

    @Test
    void aConnectionLostAfterSendingLeavesTheOutcomeUnknown() {
        assertInstanceOf(CommitOutcomeUnknownException.class,
                StoreFailures.afterSending(ClosedConnectionException.INSTANCE));
        assertInstanceOf(CommitOutcomeUnknownException.class,
                StoreFailures.afterSending(new SocketException("Connection reset")));
        assertInstanceOf(CommitOutcomeUnknownException.class, StoreFailures.afterSending(new IOException("Broken pipe")));
        // the server closing the session may follow a commit whose answer was not sent yet
        assertInstanceOf(CommitOutcomeUnknownException.class, StoreFailures.afterSending(pg("57P01")));
    }

    @Test
    void anErrorPostgresqlAnsweredForTheStatementMeansItDidNotCommit() {
        assertInstanceOf(StoreUnavailableException.class, StoreFailures.afterSending(pg("53100")), "disk full");
        assertInstanceOf(StoreUnavailableException.class, StoreFailures.afterSending(pg("57014")), "query cancelled");
        PgException clash = pg("23505");
        assertSame(clash, StoreFailures.afterSending(clash), "a version clash stays what it is");
    }
}
