package com.waitingroom.ingest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * The library behaviour the store's queries are written around (eclipse-vertx/vertx-sql-client#1706): a statement
 * sent with {@code pool.preparedQuery()} while PostgreSQL refuses connections fails at once, and the pool's
 * connection-wait timer, left armed, throws "Result is already complete" on the event loop when it fires (30 s
 * later with the defaults: one stack trace per failed flush through a whole outage). Through
 * {@code pool.withConnection()} — {@link Statements#execute}, which the writer and the searches use, as
 * {@code health/StoreReadinessCheck} does — nothing is left behind. Should the second test start failing,
 * the library is fixed and they may go back to the pool's shortcut.
 */
class PoolAcquireTimerTest {

    private static final long WAIT_TIMEOUT_MILLIS = 300;

    private Vertx vertx;
    private Pool pool;
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

    @BeforeEach
    void refusingServer() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: connecting to it is refused
        }
        vertx = Vertx.vertx();
        vertx.exceptionHandler(uncaught::add);
        pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(2).setConnectionTimeout((int) WAIT_TIMEOUT_MILLIS)
                        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
                .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(port).setDatabase("none")
                        .setUser("none").setPassword("none"))
                .using(vertx)
                .build();
    }

    @AfterEach
    void close() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void throughStatementsExecuteAFailedConnectLeavesNothingBehind() throws Exception {
        failsThenWaitsOutTheTimer(p -> Statements.execute(p, "SELECT 1", Tuple.tuple()));
        assertEquals(List.of(), uncaught);
    }

    @Test
    void throughThePoolShortcutTheTimerThrowsLater() throws Exception {
        failsThenWaitsOutTheTimer(p -> p.preparedQuery("SELECT 1").execute());
        assertTrue(uncaught.stream().anyMatch(e -> String.valueOf(e.getMessage()).contains("already complete")),
                "vertx-sql-client#1706 looks fixed (no uncaught exception): " + uncaught);
    }

    private void failsThenWaitsOutTheTimer(Function<Pool, Future<RowSet<Row>>> query) throws Exception {
        for (int i = 0; i < 3; i++) {
            Future<RowSet<Row>> result = query.apply(pool);
            Throwable failure = result.toCompletionStage().toCompletableFuture()
                    .handle((rows, error) -> error).get(5, TimeUnit.SECONDS);
            assertTrue(failure != null, "a refused connection fails the statement");
        }
        Thread.sleep(WAIT_TIMEOUT_MILLIS * 3);
    }
}
