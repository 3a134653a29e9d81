package com.waitingroom.api.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.api.domain.QueueSnapshot;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL event store of waiting queues. Loading is one round trip (latest snapshot plus
 * the events after it); appending is ONE statement whose data-modifying CTEs insert the events,
 * their outbox rows, the snapshot and the idempotent response: a single statement is a single
 * transaction, so either all of it commits or nothing does, without BEGIN/COMMIT round trips.
 */
@ApplicationScoped
public class EventStore {

    private static final String LOAD_SQL = """
            WITH snap AS (
                SELECT version, state::text AS body FROM snapshots
                WHERE aggregate_id = $1 AND state_schema = $2)
            SELECT 0 AS kind, version, NULL::text AS event_type, body FROM snap
            UNION ALL
            SELECT 1, e.version, e.event_type, e.payload::text FROM events e
            WHERE e.aggregate_id = $1 AND e.version > COALESCE((SELECT version FROM snap), 0)
            ORDER BY 1, 2""";

    private static final String STREAM_SQL = """
            SELECT event_id, aggregate_id, aggregate_type, version, event_type, schema_version, occurred_at,
                   correlation_id, causation_id, actor, actor_role, payload::text AS payload
            FROM events WHERE aggregate_id = $1 AND version >= $2 ORDER BY version LIMIT $3""";

    private static final String EXISTS_SQL = "SELECT EXISTS (SELECT 1 FROM events WHERE aggregate_id = $1)";

    private final Pool pool;
    private final EventCodec codec = EventCodec.standard();
    private final ObjectMapper mapper = EventCodec.newObjectMapper();
    private final GroupCommitAppender appender;
    private final AppendTracing tracing;

    public EventStore(Pool pool, GroupCommitAppender appender, AppendTracing tracing) {
        this.pool = pool;
        this.appender = appender;
        this.tracing = tracing;
    }

    /** The queue's current state: an empty (non-existent) queue when its stream has no events. */
    public Uni<WaitingQueue> load(String queueId) {
        return pool.preparedQuery(LOAD_SQL).execute(Tuple.of(queueId, QueueSnapshot.STATE_SCHEMA))
                .map(rows -> {
                    WaitingQueue queue = WaitingQueue.empty(queueId);
                    for (Row row : rows) {
                        if (row.getInteger("kind") == 0) {
                            queue = WaitingQueue.fromSnapshot(readJson(row.getString("body"), QueueSnapshot.class));
                        } else {
                            Class<? extends DomainEvent> type =
                                    codec.registry().require(row.getString("event_type")).payloadClass();
                            queue.replay(readJson(row.getString("body"), type), row.getLong("version"));
                        }
                    }
                    return queue;
                });
    }

    /**
     * Appends atomically (grouped with concurrent commands, see {@link GroupCommitAppender}).
     * Fails with {@link VersionConflictException} when another writer took one of the versions,
     * with {@link IdempotencyKeyTakenException} when a concurrent request committed the same
     * idempotency key, with {@link StoreUnavailableException} when nothing could be sent and with
     * {@link CommitOutcomeUnknownException} when the connection broke before the answer arrived.
     */
    public Uni<Void> append(AppendBatch batch) {
        return append(batch, Context.current());
    }

    /**
     * {@link #append(AppendBatch)} traced as a child of {@code trace} (the request's context: a command
     * queued behind another one of its queue runs on that one's thread). Its outbox rows store the
     * append span's W3C trace context for the relay.
     */
    public Uni<Void> append(AppendBatch batch, Context trace) {
        Span span = tracing.start(trace, batch);
        return appender.append(batch, AppendTracing.stored(span))
                .onTermination().invoke((ignored, failure, cancelled) -> AppendTracing.end(span, failure));
    }

    /** Events of one stream from {@code fromVersion} on, in version order, at most {@code limit}. */
    public Uni<List<EventEnvelope>> readStream(String queueId, long fromVersion, int limit) {
        return pool.preparedQuery(STREAM_SQL).execute(Tuple.of(queueId, fromVersion, limit))
                .map(rows -> {
                    List<EventEnvelope> events = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        events.add(new EventEnvelope(row.getUUID("event_id"), row.getString("aggregate_id"),
                                row.getString("aggregate_type"), row.getLong("version"),
                                row.getString("event_type"), row.getInteger("schema_version"),
                                row.getOffsetDateTime("occurred_at").toInstant(), row.getString("correlation_id"),
                                row.getString("causation_id"), row.getString("actor"), row.getString("actor_role"),
                                readJson(row.getString("payload"), JsonNode.class)));
                    }
                    return events;
                });
    }

    public Uni<Boolean> exists(String queueId) {
        return pool.preparedQuery(EXISTS_SQL).execute(Tuple.of(queueId))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    private <T> T readJson(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not match " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

}
