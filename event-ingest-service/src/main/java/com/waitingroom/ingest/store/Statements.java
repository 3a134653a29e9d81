package com.waitingroom.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/** How the store runs a statement on the reactive pool (the writer's flushes and the searches alike). */
final class Statements {

    private Statements() {
    }

    /**
     * Through an acquired connection: {@code pool.preparedQuery()} arms a connection-wait timer that vertx-sql-client
     * does not cancel when getting a connection fails (eclipse-vertx/vertx-sql-client#1706), so during an outage every
     * failed statement logged an "Uncaught exception … Result is already complete" stack trace 30 s later.
     */
    static Future<RowSet<Row>> execute(Pool pool, String sql, Tuple params) {
        return pool.withConnection(connection -> connection.preparedQuery(sql).execute(params));
    }
}
