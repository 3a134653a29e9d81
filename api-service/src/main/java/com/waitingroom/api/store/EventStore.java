package com.waitingroom.api.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.api.config.ApiConfig;
import com.waitingroom.api.domain.QueueSnapshot;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.kernel.AggregateTypes;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Routing;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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

    private static final String APPEND_SQL = """
            WITH new_events AS (
                INSERT INTO events (event_id, aggregate_id, aggregate_type, version, event_type, schema_version,
                                    occurred_at, correlation_id, causation_id, actor, payload)
                SELECT e.event_id, $1, $2, e.version, e.event_type, e.schema_version,
                       $3::timestamptz, $4::text, $5::text, $6::text, e.payload::jsonb
                FROM unnest($7::uuid[], $8::bigint[], $9::text[], $10::int[], $11::text[])
                     AS e(event_id, version, event_type, schema_version, payload)
                RETURNING 1
            ), new_outbox AS (
                INSERT INTO outbox (event_id, aggregate_id, aggregate_version, event_type, routing_key,
                                    correlation_id, envelope)
                SELECT o.event_id, $1, o.version, o.event_type, o.routing_key, $4::text, o.envelope::jsonb
                FROM unnest($7::uuid[], $8::bigint[], $9::text[], $12::text[], $13::text[])
                     AS o(event_id, version, event_type, routing_key, envelope)
                RETURNING 1
            ), new_snapshot AS (
                INSERT INTO snapshots (aggregate_id, aggregate_type, version, state_schema, state)
                SELECT $1, $2, $14::bigint, $15::int, $16::text::jsonb WHERE $16::text IS NOT NULL
                ON CONFLICT (aggregate_id) DO UPDATE
                    SET version = EXCLUDED.version, state_schema = EXCLUDED.state_schema,
                        state = EXCLUDED.state, created_at = now()
                    WHERE snapshots.version < EXCLUDED.version
                RETURNING 1
            ), new_response AS (
                INSERT INTO idempotency_keys (idempotency_key, request_hash, aggregate_id, aggregate_version,
                                              response_status, response_body, location, expires_at)
                SELECT $17::text, $18::text, $1, $14::bigint, $19::int, $20::text, $21::text,
                       now() + make_interval(secs => $22::double precision)
                WHERE $17::text IS NOT NULL
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM new_events) AS events, (SELECT count(*) FROM new_outbox) AS outbox""";

    private static final String STREAM_SQL = """
            SELECT event_id, aggregate_id, aggregate_type, version, event_type, schema_version, occurred_at,
                   correlation_id, causation_id, actor, payload::text AS payload
            FROM events WHERE aggregate_id = $1 AND version >= $2 ORDER BY version LIMIT $3""";

    private static final String EXISTS_SQL = "SELECT EXISTS (SELECT 1 FROM events WHERE aggregate_id = $1)";

    private final Pool pool;
    private final EventCodec codec = EventCodec.standard();
    private final ObjectMapper mapper = EventCodec.newObjectMapper();
    private final double responseTtlSeconds;

    public EventStore(Pool pool, ApiConfig config) {
        this.pool = pool;
        this.responseTtlSeconds = config.idempotency().ttl().toMillis() / 1000.0;
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
     * Appends atomically. Fails with {@link VersionConflictException} when another writer took one
     * of the versions, with {@link IdempotencyKeyTakenException} when a concurrent request
     * committed the same idempotency key.
     */
    public Uni<Void> append(AppendBatch batch) {
        int size = batch.events().size();
        UUID[] ids = new UUID[size];
        Long[] versions = new Long[size];
        String[] types = new String[size];
        Integer[] schemaVersions = new Integer[size];
        String[] payloads = new String[size];
        String[] routingKeys = new String[size];
        String[] envelopes = new String[size];
        EventEnvelope first = batch.events().get(0);
        for (int i = 0; i < size; i++) {
            EventEnvelope envelope = batch.events().get(i);
            ids[i] = envelope.eventId();
            versions[i] = envelope.version();
            types[i] = envelope.eventType();
            schemaVersions[i] = envelope.schemaVersion();
            payloads[i] = envelope.payload().toString();
            routingKeys[i] = Routing.routingKey(envelope.eventType());
            envelopes[i] = codec.encodeToString(envelope);
        }
        long newVersion = batch.expectedVersion() + size;
        StoredResponse response = batch.response();
        Tuple params = Tuple.tuple()
                .addValue(batch.aggregateId())
                .addValue(AggregateTypes.WAITING_QUEUE)
                .addValue(first.occurredAt().atOffset(ZoneOffset.UTC))
                .addValue(first.correlationId())
                .addValue(first.causationId())
                .addValue(first.actor())
                .addValue(ids)
                .addValue(versions)
                .addValue(types)
                .addValue(schemaVersions)
                .addValue(payloads)
                .addValue(routingKeys)
                .addValue(envelopes)
                .addValue(newVersion)
                .addValue(QueueSnapshot.STATE_SCHEMA)
                .addValue(batch.snapshot() == null ? null : writeJson(batch.snapshot()))
                .addValue(response == null ? null : response.idempotencyKey())
                .addValue(response == null ? null : response.requestHash())
                .addValue(response == null ? null : response.status())
                .addValue(response == null ? null : response.body())
                .addValue(response == null ? null : response.location())
                .addValue(response == null ? null : responseTtlSeconds);
        return pool.preparedQuery(APPEND_SQL).execute(params)
                .onFailure(PgException.class).transform(failure -> translate((PgException) failure, batch))
                .replaceWithVoid();
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
                                row.getString("causation_id"), row.getString("actor"),
                                readJson(row.getString("payload"), JsonNode.class)));
                    }
                    return events;
                });
    }

    public Uni<Boolean> exists(String queueId) {
        return pool.preparedQuery(EXISTS_SQL).execute(Tuple.of(queueId))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    private static RuntimeException translate(PgException failure, AppendBatch batch) {
        if ("23505".equals(failure.getSqlState())) {
            if ("events_stream_version".equals(failure.getConstraint())) {
                return new VersionConflictException("queue '" + batch.aggregateId() + "' changed after version "
                        + batch.expectedVersion());
            }
            if ("idempotency_keys_pkey".equals(failure.getConstraint()) && batch.response() != null) {
                return new IdempotencyKeyTakenException(batch.response().idempotencyKey());
            }
        }
        return failure;
    }

    private <T> T readJson(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not match " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private String writeJson(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }
}
