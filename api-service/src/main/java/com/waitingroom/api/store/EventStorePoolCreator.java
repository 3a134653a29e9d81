package com.waitingroom.api.store;

import com.waitingroom.api.config.ApiConfig;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates the application's PostgreSQL pool as Quarkus would, with the settings Quarkus has no
 * property for:
 * <ul>
 * <li>prepared statements of any length up to {@link #STATEMENT_CACHE_SQL_LIMIT} characters are
 * cached. Vert.x caches only statements up to 2,048 characters by default, and the append
 * statement is longer: PostgreSQL parsed, analysed and planned it again for every commit (about a
 * quarter of its CPU per check-in in a perf profile);</li>
 * <li>no pool-wide connection wait timeout. With one, vertx-sql-client 4.5 arms a timer for every
 * {@code pool.query()/preparedQuery()} and does not cancel it when getting the connection fails
 * (eclipse-vertx/vertx-sql-client#1706): during an outage every failed statement was followed, that
 * timeout later (30 s by default), by an "Uncaught exception ... Result is already complete" stack
 * trace. Getting a connection is bounded instead by the connect timeout (a refused or failed
 * connect fails the waiting statement at once);</li>
 * <li>a TCP connect timeout of {@code api.store.connect-timeout} instead of 60 s, for a server that
 * does not answer at all.</li>
 * </ul>
 */
@Singleton
public class EventStorePoolCreator implements PgPoolCreator {

    public static final int STATEMENT_CACHE_SQL_LIMIT = 16 * 1024;

    private final int connectTimeoutMillis;

    public EventStorePoolCreator(ApiConfig config) {
        this.connectTimeoutMillis = Math.toIntExact(config.store().connectTimeout().toMillis());
    }

    @Override
    public Pool create(Input input) {
        List<PgConnectOptions> servers = input.pgConnectOptionsList();
        for (PgConnectOptions options : servers) {
            options.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT);
            options.setConnectTimeout(connectTimeoutMillis);
        }
        PoolOptions poolOptions = input.poolOptions().setConnectionTimeout(0);
        AtomicInteger next = new AtomicInteger(); // several URLs: round robin, as Quarkus does
        return PgBuilder.pool()
                .with(poolOptions)
                .connectingTo(() -> Future.<SqlConnectOptions>succeededFuture(
                        servers.get(Math.floorMod(next.getAndIncrement(), servers.size()))))
                .using(input.vertx())
                .build();
    }
}
