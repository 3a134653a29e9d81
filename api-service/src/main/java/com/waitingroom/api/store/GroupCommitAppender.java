package com.waitingroom.api.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.api.config.ApiConfig;
import com.waitingroom.api.domain.QueueSnapshot;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Routing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Appends commands' events, outbox rows, snapshots and idempotent responses. Each statement is
 * one transaction (data-modifying CTEs), and commands arriving while statements are in flight are
 * grouped into the next one: one commit, one WAL flush and one outbox NOTIFY for many commands.
 * A grouped statement that fails in PostgreSQL (typically a version clash of one command) is
 * replayed command by command, so each command still commits or fails on its own, atomically.
 * A statement that could not be sent fails its commands with {@link StoreUnavailableException}; one
 * whose connection broke before its answer arrived, with {@link CommitOutcomeUnknownException}.
 */
@ApplicationScoped
public class GroupCommitAppender {

    // Each envelope is serialised once: events.payload is the envelope's payload, taken in SQL; the outbox keeps
    // the envelope's text as the relay publishes it, with the fields its headers need in columns (V24).
    static final String APPEND_SQL = """
            WITH cmd_events AS (
                SELECT event_id, aggregate_id, version, event_type, schema_version, occurred_at, correlation_id,
                       causation_id, actor, actor_role, routing_key, envelope, traceparent, tracestate
                FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::timestamptz[],
                            $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                            $25::text[], $26::text[])
                    AS e(event_id, aggregate_id, version, event_type, schema_version, occurred_at,
                         correlation_id, causation_id, actor, actor_role, routing_key, envelope,
                         traceparent, tracestate)
            ), new_events AS (
                INSERT INTO events (event_id, aggregate_id, aggregate_type, version, event_type, schema_version,
                                    occurred_at, correlation_id, causation_id, actor, actor_role, payload)
                SELECT event_id, aggregate_id, 'WaitingQueue', version, event_type, schema_version, occurred_at,
                       correlation_id, causation_id, actor, actor_role, envelope::jsonb -> 'payload'
                FROM cmd_events
                RETURNING 1
            ), new_outbox AS (
                INSERT INTO outbox (event_id, aggregate_id, aggregate_version, event_type, routing_key,
                                    correlation_id, causation_id, schema_version, occurred_at, envelope,
                                    traceparent, tracestate)
                SELECT event_id, aggregate_id, version, event_type, routing_key, correlation_id, causation_id,
                       schema_version, occurred_at, envelope, traceparent, tracestate
                FROM cmd_events
                ORDER BY aggregate_id, version -- ids rise with versions: the relay's claim relies on it
                RETURNING 1
            ), new_snapshots AS (
                INSERT INTO snapshots (aggregate_id, aggregate_type, version, state_schema, state)
                SELECT s.aggregate_id, 'WaitingQueue', s.version, $16::int, s.state::jsonb
                FROM unnest($13::text[], $14::bigint[], $15::text[]) AS s(aggregate_id, version, state)
                ON CONFLICT (aggregate_id) DO UPDATE
                    SET version = EXCLUDED.version, state_schema = EXCLUDED.state_schema,
                        state = EXCLUDED.state, created_at = now()
                    WHERE snapshots.version < EXCLUDED.version
                RETURNING 1
            ), new_responses AS (
                INSERT INTO idempotency_keys (idempotency_key, request_hash, aggregate_id, aggregate_version,
                                              response_status, response_body, location, expires_at)
                SELECT k.idempotency_key, k.request_hash, k.aggregate_id, k.aggregate_version, k.status, k.body,
                       k.location, $24::timestamptz
                FROM unnest($17::text[], $18::text[], $19::text[], $20::bigint[], $21::int[], $22::text[],
                            $23::text[])
                    AS k(idempotency_key, request_hash, aggregate_id, aggregate_version, status, body, location)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM new_events) AS events, (SELECT count(*) FROM new_outbox) AS outbox""";

    private final Pool pool;
    private final EventCodec codec = EventCodec.standard();
    private final ObjectMapper mapper = EventCodec.newObjectMapper();
    private final Clock clock;
    private final Duration responseTtl;
    private final int maxCommandsPerStatement;
    private final int maxStatementsInFlight;
    private final DistributionSummary commandsPerStatement;
    private final Counter versionConflicts;

    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int inFlight;

    private record Pending(AppendBatch batch, AppendTracing.StoredTrace trace, CompletableFuture<Void> done) {
    }

    public GroupCommitAppender(Pool pool, ApiConfig config, MeterRegistry registry, Clock clock) {
        this.pool = pool;
        this.clock = clock;
        this.commandsPerStatement = DistributionSummary.builder("api.append.commands.per.statement")
                .description("Commands committed together by one append statement (group commit)")
                .register(registry);
        this.versionConflicts = Counter.builder("api.append.version.conflicts")
                .description("Commands whose append collided with a version another writer took first")
                .register(registry);
        this.responseTtl = config.idempotency().ttl();
        this.maxCommandsPerStatement = config.append().maxCommandsPerStatement();
        this.maxStatementsInFlight = config.append().maxStatementsInFlight();
    }

    /** Completes when the command's rows are committed; fails like {@link EventStore#append}. */
    public Uni<Void> append(AppendBatch batch) {
        return append(batch, AppendTracing.StoredTrace.NONE);
    }

    /** {@link #append(AppendBatch)} storing {@code trace} with the command's outbox rows. */
    public Uni<Void> append(AppendBatch batch, AppendTracing.StoredTrace trace) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.add(new Pending(batch, trace, done));
        }
        flushIfIdleCapacity();
        return Uni.createFrom().completionStage(done);
    }

    /** Starts statements while there is waiting work and a free in-flight slot. */
    private void flushIfIdleCapacity() {
        while (true) {
            List<Pending> group;
            synchronized (waiting) {
                if (waiting.isEmpty() || inFlight >= maxStatementsInFlight) {
                    return;
                }
                inFlight++;
                group = new ArrayList<>(Math.min(waiting.size(), maxCommandsPerStatement));
                while (!waiting.isEmpty() && group.size() < maxCommandsPerStatement) {
                    group.add(waiting.poll());
                }
            }
            execute(group).subscribe().with(ignored -> finished(), failure -> finished());
        }
    }

    private void finished() {
        synchronized (waiting) {
            inFlight--;
        }
        flushIfIdleCapacity();
    }

    private Uni<Void> execute(List<Pending> group) {
        return Uni.createFrom().deferred(() -> run(group)).onItemOrFailure()
                .transformToUni((ignored, failure) -> {
            if (failure == null) {
                commandsPerStatement.record(group.size());
                group.forEach(pending -> pending.done().complete(null));
                return Uni.createFrom().voidItem();
            }
            if (group.size() > 1 && failure instanceof PgException) {
                // PostgreSQL refused the statement (store failures arrive translated, see run()).
                // Find out which command failed: each one alone, in order.
                return replayOneByOne(group, 0);
            }
            group.forEach(pending -> pending.done().completeExceptionally(translate(failure, pending.batch())));
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> replayOneByOne(List<Pending> group, int index) {
        if (index == group.size()) {
            return Uni.createFrom().voidItem();
        }
        Pending pending = group.get(index);
        return Uni.createFrom().deferred(() -> run(List.of(pending))).onItemOrFailure()
                .transformToUni((ignored, failure) -> {
            if (failure == null) {
                pending.done().complete(null);
            } else {
                pending.done().completeExceptionally(translate(failure, pending.batch()));
            }
            return replayOneByOne(group, index + 1);
        });
    }

    private Uni<Void> run(List<Pending> group) {
        int events = group.stream().mapToInt(pending -> pending.batch().events().size()).sum();
        UUID[] ids = new UUID[events];
        String[] aggregateIds = new String[events];
        Long[] versions = new Long[events];
        String[] types = new String[events];
        Integer[] schemaVersions = new Integer[events];
        OffsetDateTime[] occurredAt = new OffsetDateTime[events];
        String[] correlationIds = new String[events];
        String[] causationIds = new String[events];
        String[] actors = new String[events];
        String[] actorRoles = new String[events];
        String[] routingKeys = new String[events];
        String[] envelopes = new String[events];
        String[] traceparents = new String[events];
        String[] tracestates = new String[events];
        List<String> snapshotIds = new ArrayList<>();
        List<Long> snapshotVersions = new ArrayList<>();
        List<String> snapshotStates = new ArrayList<>();
        List<StoredResponse> responses = new ArrayList<>();
        int i = 0;
        for (Pending pending : group) {
            AppendBatch batch = pending.batch();
            for (EventEnvelope envelope : batch.events()) {
                ids[i] = envelope.eventId();
                aggregateIds[i] = envelope.aggregateId();
                versions[i] = envelope.version();
                types[i] = envelope.eventType();
                schemaVersions[i] = envelope.schemaVersion();
                occurredAt[i] = envelope.occurredAt().atOffset(ZoneOffset.UTC);
                correlationIds[i] = envelope.correlationId();
                causationIds[i] = envelope.causationId();
                actors[i] = envelope.actor();
                actorRoles[i] = envelope.actorRole();
                routingKeys[i] = Routing.routingKey(envelope.eventType());
                envelopes[i] = codec.encodeToString(envelope);
                traceparents[i] = pending.trace().traceparent();
                tracestates[i] = pending.trace().tracestate();
                i++;
            }
            if (batch.snapshot() != null) {
                snapshotIds.add(batch.aggregateId());
                snapshotVersions.add(batch.snapshot().version());
                snapshotStates.add(writeJson(batch.snapshot()));
            }
            if (batch.response() != null) {
                responses.add(batch.response());
            }
        }
        Tuple params = Tuple.tuple()
                .addValue(ids).addValue(aggregateIds).addValue(versions).addValue(types).addValue(schemaVersions)
                .addValue(occurredAt).addValue(correlationIds).addValue(causationIds).addValue(actors)
                .addValue(actorRoles).addValue(routingKeys).addValue(envelopes)
                .addValue(snapshotIds.toArray(String[]::new))
                .addValue(snapshotVersions.toArray(Long[]::new))
                .addValue(snapshotStates.toArray(String[]::new))
                .addValue(QueueSnapshot.STATE_SCHEMA)
                .addValue(responses.stream().map(StoredResponse::idempotencyKey).toArray(String[]::new))
                .addValue(responses.stream().map(StoredResponse::requestHash).toArray(String[]::new))
                .addValue(responses.stream().map(StoredResponse::aggregateId).toArray(String[]::new))
                .addValue(responses.stream().map(StoredResponse::aggregateVersion).toArray(Long[]::new))
                .addValue(responses.stream().map(StoredResponse::status).toArray(Integer[]::new))
                .addValue(responses.stream().map(StoredResponse::body).toArray(String[]::new))
                .addValue(responses.stream().map(StoredResponse::location).toArray(String[]::new))
                // stored responses expire a TTL after this statement, on the service's clock
                .addValue(clock.instant().plus(responseTtl).atOffset(ZoneOffset.UTC))
                .addValue(traceparents).addValue(tracestates);
        // An explicit connection tells a failure before anything was sent (no connection: nothing
        // recorded) from a connection lost while the statement was in PostgreSQL (outcome unknown).
        return pool.getConnection()
                .onFailure().transform(StoreFailures::beforeSending)
                .chain(connection -> connection.preparedQuery(APPEND_SQL).execute(params)
                        .onFailure().transform(StoreFailures::afterSending)
                        .eventually(() -> connection.close().onFailure().recoverWithNull()))
                .replaceWithVoid();
    }

    private Throwable translate(Throwable failure, AppendBatch batch) {
        if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            if ("events_stream_version".equals(pg.getConstraint())) {
                versionConflicts.increment();
                return new VersionConflictException("queue '" + batch.aggregateId() + "' changed after version "
                        + batch.expectedVersion());
            }
            if ("idempotency_keys_pkey".equals(pg.getConstraint()) && batch.response() != null) {
                return new IdempotencyKeyTakenException(batch.response().idempotencyKey());
            }
        }
        return failure;
    }

    private String writeJson(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }
}
