package com.waitingroom.api.store;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates the application's PostgreSQL pool as Quarkus would, with one change: the client caches
 * prepared statements of any length up to {@link #STATEMENT_CACHE_SQL_LIMIT} characters. Vert.x
 * caches only statements up to 2,048 characters by default, and the append statement is longer:
 * PostgreSQL parsed, analysed and planned it again for every commit (about a quarter of its CPU
 * per check-in in a perf profile). Quarkus has no configuration property for this limit.
 */
@Singleton
public class StatementCachingPoolCreator implements PgPoolCreator {

    public static final int STATEMENT_CACHE_SQL_LIMIT = 16 * 1024;

    @Override
    public Pool create(Input input) {
        List<PgConnectOptions> servers = input.pgConnectOptionsList();
        for (PgConnectOptions options : servers) {
            options.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT);
        }
        AtomicInteger next = new AtomicInteger(); // several URLs: round robin, as Quarkus does
        return PgBuilder.pool()
                .with(input.poolOptions())
                .connectingTo(() -> Future.<SqlConnectOptions>succeededFuture(
                        servers.get(Math.floorMod(next.getAndIncrement(), servers.size()))))
                .using(input.vertx())
                .build();
    }
}
