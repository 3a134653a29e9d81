package com.waitingroom.api.store;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The append statement must be prepared once per connection, not parsed and planned by PostgreSQL
 * for every commit: a named (cached) statement shows up in the session's pg_prepared_statements,
 * the unnamed one used for uncached statements never does.
 */
@QuarkusTest
class EventStorePoolCreatorTest {

    @Inject
    Pool pool;

    @Test
    void theAppendStatementFitsTheCacheLimit() {
        assertTrue(GroupCommitAppender.APPEND_SQL.length() > 2048, "the case this pool creator exists for");
        assertTrue(GroupCommitAppender.APPEND_SQL.length() < EventStorePoolCreator.STATEMENT_CACHE_SQL_LIMIT);
    }

    @Test
    void aStatementAsLongAsTheAppendIsPreparedOnceAndReused() {
        String marker = "statement_cache_probe_" + System.nanoTime();
        String longSql = "SELECT $1::int AS " + marker + " -- " + "x".repeat(GroupCommitAppender.APPEND_SQL.length());
        SqlConnection connection = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            for (int i = 0; i < 3; i++) {
                int value = connection.preparedQuery(longSql).execute(Tuple.of(i)).await().atMost(Duration.ofSeconds(10))
                        .iterator().next().getInteger(0);
                assertEquals(i, value);
            }
            long prepared = connection.query("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%"
                            + marker + "%'").execute().await().atMost(Duration.ofSeconds(10))
                    .iterator().next().getLong(0);
            assertEquals(1, prepared, "prepared once on this connection and kept");
        } finally {
            connection.closeAndAwait();
        }
    }
}
