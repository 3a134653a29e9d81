package com.waitingroom.api.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** Reads and expires the stored responses of idempotent commands (written by {@link EventStore#append}). */
@ApplicationScoped
public class IdempotencyStore {

    private static final String FIND_SQL = """
            SELECT idempotency_key, request_hash, aggregate_id, aggregate_version, response_status,
                   response_body, location
            FROM idempotency_keys WHERE idempotency_key = $1""";

    // Deletes in bounded batches so a large backlog never locks the table for long.
    private static final String DELETE_EXPIRED_SQL = """
            DELETE FROM idempotency_keys WHERE idempotency_key IN (
                SELECT idempotency_key FROM idempotency_keys WHERE expires_at < $2 LIMIT $1)""";

    private final Pool pool;
    private final Clock clock;

    public IdempotencyStore(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    /** The stored response; kept until the cleanup removes it, i.e. at least its time to live. */
    public Uni<Optional<StoredResponse>> find(String key) {
        return pool.preparedQuery(FIND_SQL).execute(Tuple.of(key)).map(rows -> {
            RowIterator<Row> iterator = rows.iterator();
            if (!iterator.hasNext()) {
                return Optional.empty();
            }
            Row row = iterator.next();
            return Optional.of(new StoredResponse(row.getString("idempotency_key"), row.getString("request_hash"),
                    row.getString("aggregate_id"), row.getLong("aggregate_version"),
                    row.getInteger("response_status"), row.getString("response_body"), row.getString("location")));
        });
    }

    /** Deletes up to {@code batchSize} keys expired by the service's clock; returns how many were deleted. */
    public Uni<Integer> deleteExpired(int batchSize) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        return pool.preparedQuery(DELETE_EXPIRED_SQL).execute(Tuple.of(batchSize, now)).map(rows -> rows.rowCount());
    }
}
