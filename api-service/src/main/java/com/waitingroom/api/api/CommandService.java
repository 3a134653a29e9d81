package com.waitingroom.api.api;

import com.waitingroom.api.config.ApiConfig;
import com.waitingroom.api.domain.DomainException;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.api.store.AppendBatch;
import com.waitingroom.api.store.EventStore;
import com.waitingroom.api.store.IdempotencyKeyTakenException;
import com.waitingroom.api.store.IdempotencyStore;
import com.waitingroom.api.store.QueueStateCache;
import com.waitingroom.api.store.StoredResponse;
import com.waitingroom.api.store.VersionConflictException;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.EventIds;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a command: replay it if its Idempotency-Key is known, otherwise load the queue, check the
 * expected version, let the aggregate decide, and append events + outbox rows (+ snapshot,
 * + idempotent response) atomically. Commands of one queue run one after the other in this
 * instance ({@link QueueCommandSequencer}); a version clash with another instance, without an
 * expected version, reloads and decides again, so no command is lost.
 */
@ApplicationScoped
public class CommandService {

    private final EventStore store;
    private final IdempotencyStore idempotency;
    private final QueueStateCache cache;
    private final QueueCommandSequencer sequencer;
    private final CommandMetrics metrics;
    private final Clock clock;
    private final EventCodec codec = EventCodec.standard();
    private final int snapshotEvery;
    private final int maxAttempts;

    public CommandService(EventStore store, IdempotencyStore idempotency, QueueStateCache cache,
                          QueueCommandSequencer sequencer, CommandMetrics metrics, ApiConfig config, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.cache = cache;
        this.sequencer = sequencer;
        this.idempotency = idempotency;
        this.metrics = metrics;
        this.snapshotEvery = config.snapshot().everyEvents();
        this.maxAttempts = config.commands().maxAttempts();
    }

    /** What a command decided: its events (already applied to the queue) and the HTTP answer. */
    public record Decision(List<DomainEvent> events, int status, Object body, String location) {
        public static Decision ok(List<DomainEvent> events, Object body) {
            return new Decision(events, 200, body, null);
        }

        public static Decision created(List<DomainEvent> events, Object body, String location) {
            return new Decision(events, 201, body, location);
        }
    }

    /**
     * A parsed and validated command: its target queue, a fingerprint of the request (method,
     * path, body) for idempotency, and the decision to run against the queue's state.
     */
    public record Prepared(String queueId, String requestFingerprint, Function<WaitingQueue, Decision> decide) {
    }

    /**
     * Runs a command. {@code prepare} parses and validates the request inside the pipeline so
     * its 400s are counted like any other outcome and no queue is loaded for bad input.
     */
    public Uni<Response> execute(String name, CommandHeaders headers, Supplier<Prepared> prepare) {
        return Uni.createFrom().deferred(() -> {
                    Prepared prepared = prepare.get();
                    String key = headers.idempotencyKey();
                    Context context = new Context(name, prepared, headers, key, headers.expectedVersion(),
                            headers.caller(), key != null ? key : UUID.randomUUID().toString(),
                            key == null ? null : fingerprintHash(name, prepared.requestFingerprint()),
                            io.opentelemetry.context.Context.current());
                    return sequencer.inLine(prepared.queueId(), () -> key == null ? attempt(context, 1)
                            : idempotency.find(key).chain(stored -> stored.isPresent()
                                    ? Uni.createFrom().item(replay(stored.get(), context))
                                    : attempt(context, 1))
                            // A twin request may have committed between our lookup and our load, and
                            // its effect (e.g. the patient is now active) made us refuse: its answer wins.
                            .onFailure(DomainException.class).recoverWithUni(refusal -> idempotency.find(key)
                                    .map(stored -> {
                                        if (stored.isEmpty()) {
                                            throw (DomainException) refusal;
                                        }
                                        return replay(stored.get(), context);
                                    })));
                })
                .invoke(response -> metrics.record(name,
                        "true".equals(response.getHeaderString(CommandHeaders.IDEMPOTENCY_REPLAYED))
                                ? CommandMetrics.REPLAYED : CommandMetrics.ACCEPTED))
                .onFailure().invoke(failure -> metrics.record(name, CommandMetrics.outcomeOf(failure)));
    }

    private record Context(String name, Prepared prepared, CommandHeaders headers, String idempotencyKey,
                           Long expectedVersion, Caller caller, String causationId, String requestHash,
                           io.opentelemetry.context.Context trace) {
    }

    private Uni<Response> attempt(Context context, int attempt) {
        String queueId = context.prepared().queueId();
        Optional<WaitingQueue> cached = attempt == 1 ? cache.take(queueId) : Optional.empty();
        Uni<Response> run;
        if (cached.isPresent()) {
            // The cached state may be stale: a clash, a refusal or a version mismatch decided on it
            // is decided again, once, on the stored state before anything is reported.
            run = Uni.createFrom().deferred(() -> decideAndAppend(context, cached.get()))
                    .onFailure(failure -> failure instanceof VersionConflictException
                            || failure instanceof DomainException || failure instanceof ProblemException)
                    .recoverWithUni(failure -> store.load(queueId).chain(queue -> decideAndAppend(context, queue)));
        } else {
            run = store.load(queueId).chain(queue -> decideAndAppend(context, queue));
        }
        return run
                .onFailure(VersionConflictException.class).recoverWithUni(conflict -> {
                    if (context.expectedVersion() != null) {
                        return Uni.createFrom().failure(ProblemException.conflict("VERSION_MISMATCH",
                                conflict.getMessage() + " (expected version " + context.expectedVersion() + ")"));
                    }
                    if (attempt >= maxAttempts) {
                        return Uni.createFrom().failure(ProblemException.conflict("CONCURRENCY_CONFLICT",
                                "queue '" + queueId + "' kept changing; gave up after " + attempt + " attempts"));
                    }
                    // Small random pause so clashing writers do not retry in lockstep.
                    long pauseMillis = ThreadLocalRandom.current().nextLong(1, 2L + Math.min(attempt, 10) * 2L);
                    return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(pauseMillis))
                            .chain(() -> context.idempotencyKey() == null ? attempt(context, attempt + 1)
                                    // the clash may have been our own twin request: its answer wins
                                    : idempotency.find(context.idempotencyKey()).chain(stored -> stored.isPresent()
                                    ? Uni.createFrom().item(replay(stored.get(), context))
                                    : attempt(context, attempt + 1)));
                })
                .onFailure(IdempotencyKeyTakenException.class).recoverWithUni(taken ->
                        idempotency.find(context.idempotencyKey()).map(stored -> replay(stored.orElseThrow(
                                () -> new IllegalStateException("idempotency key vanished")), context)));
    }

    /** Checks the expected version, lets the aggregate decide, and appends atomically. */
    private Uni<Response> decideAndAppend(Context context, WaitingQueue queue) {
        String queueId = queue.queueId();
        long before = queue.version();
        if (context.expectedVersion() != null && context.expectedVersion() != before) {
            throw ProblemException.conflict("VERSION_MISMATCH", "queue '" + queueId + "' is at version "
                    + before + ", not the expected " + context.expectedVersion());
        }
        Decision decision = context.prepared().decide().apply(queue);
        String body = Json.write(decision.body());
        List<EventEnvelope> envelopes = envelopes(context, decision.events(), before);
        long after = before + envelopes.size();
        StoredResponse response = context.idempotencyKey() == null ? null
                : new StoredResponse(context.idempotencyKey(), context.requestHash(), queueId, after,
                decision.status(), body, decision.location());
        // Crossing a multiple of N: snapshot the state this command produced.
        boolean snapshot = after / snapshotEvery > before / snapshotEvery;
        AppendBatch batch = new AppendBatch(queueId, before, envelopes, snapshot ? queue.snapshot() : null, response);
        return store.append(batch, context.trace()).map(ignored -> {
            cache.put(queue);
            return respond(decision.status(), body, decision.location(), after, false);
        });
    }

    private List<EventEnvelope> envelopes(Context context, List<DomainEvent> events, long before) {
        // PostgreSQL keeps microseconds: truncate so the stored row and the outbox envelope agree.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<EventEnvelope> envelopes = new ArrayList<>(events.size());
        long version = before;
        for (DomainEvent event : events) {
            envelopes.add(codec.wrap(event, EventIds.newId(now), ++version, now,
                    context.headers().correlationId(), context.causationId(), context.caller().subject(),
                    context.caller().role()));
        }
        return envelopes;
    }

    /**
     * The stored answer of an Idempotency-Key. Keys are not bound to the caller: anyone allowed to
     * issue the same operation (its roles were checked before) who sends the same key with the same
     * request gets the same answer, which holds nothing their roles could not read with a GET; nothing
     * is recorded again, so the events keep the caller of the first attempt.
     */
    private Response replay(StoredResponse stored, Context context) {
        if (!stored.requestHash().equals(context.requestHash())) {
            throw new ProblemException(422, "IDEMPOTENCY_KEY_REUSED", "Unprocessable request",
                    "Idempotency-Key '" + stored.idempotencyKey() + "' was already used for a different request");
        }
        return respond(stored.status(), stored.body(), stored.location(), stored.aggregateVersion(), true);
    }

    private static Response respond(int status, String body, String location, long version, boolean replayed) {
        Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON).entity(body)
                .tag(Long.toString(version));
        if (location != null) {
            builder.header("Location", location);
        }
        if (replayed) {
            builder.header(CommandHeaders.IDEMPOTENCY_REPLAYED, "true");
        }
        return builder.build();
    }

    private static String fingerprintHash(String name, String fingerprint) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(
                    (name + '\n' + fingerprint).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
