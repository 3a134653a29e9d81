package com.waitingroom.ingest.store;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.domain.IngestEvent;
import com.waitingroom.ingest.store.IngestRejectedException.Reason;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Group commit: requests put their events in one bounded in-memory queue and wait; a flusher
 * thread takes everything queued (up to a batch size, lingering a few ms for more) and writes it
 * with ONE {@code INSERT ... SELECT FROM unnest(...)} statement, i.e. one COMMIT for many requests.
 * A request is completed only after that COMMIT, so an acknowledgement always means durable.
 *
 * <p>A flush that fails because PostgreSQL is unreachable is put back at the head of the queue and
 * retried after the circuit breaker's pause; event ids are fixed before the first attempt and the
 * insert ignores conflicts, so a retry of a batch whose COMMIT did happen cannot duplicate rows.
 */
@ApplicationScoped
public class EventWriter {

    private static final Logger LOG = Logger.getLogger(EventWriter.class);

    // Inserts the rows and, in the same statement/transaction, adds the newly inserted ones to the
    // per-minute counts read by the summary endpoint. The plain variant is tried first: duplicates
    // are rare (retries only) and ON CONFLICT's speculative insertion costs extra work and WAL per row.
    static final String INSERT_SQL = insertSql(false);
    /** Used for a batch that hit a unique violation: skips the rows already stored (idempotent retry). */
    static final String INSERT_IGNORING_DUPLICATES_SQL = insertSql(true);

    private static String insertSql(boolean ignoreDuplicates) {
        return """
                WITH inserted AS (
                    INSERT INTO ingest_events (event_id, ts, service, message, metadata, severity, trace_id, span_id)
                    SELECT event_id, ts, service, message, metadata::jsonb, severity, trace_id, span_id
                    FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[],
                                $7::text[], $8::text[], $9::text[])
                         AS input(event_id, ts, service, message, metadata, severity, trace_id, span_id)
                    %s
                    RETURNING service, ts
                ), counted AS (
                    INSERT INTO ingest_event_counts (service, minute, slot, events)
                    SELECT service, date_trunc('minute', ts), $6, count(*) FROM inserted GROUP BY 1, 2
                    ON CONFLICT (minute, service, slot) DO UPDATE SET events = ingest_event_counts.events + excluded.events
                )
                SELECT count(*) AS inserted FROM inserted""".formatted(ignoreDuplicates ? "ON CONFLICT DO NOTHING" : "");
    }

    /** One request's events and the promise its HTTP response waits for. */
    public static final class PendingWrite {
        final List<IngestEvent> events;
        final CompletableFuture<Void> committed = new CompletableFuture<>();
        /** Set after a data error: flush this request alone so one bad request cannot block others. */
        volatile boolean isolate;
        /** Once sent to PostgreSQL the outcome may be unknown (lost COMMIT reply): it is retried, never given up. */
        volatile boolean attempted;

        PendingWrite(List<IngestEvent> events) {
            this.events = events;
        }

        public CompletableFuture<Void> committed() {
            return committed;
        }
    }

    private final Pool pool;
    private final IngestConfig.Writer config;
    private final CircuitBreaker breaker;
    private final LinkedBlockingDeque<PendingWrite> queue = new LinkedBlockingDeque<>();
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final AtomicInteger inFlightFlushes = new AtomicInteger();
    private final BlockingQueue<Integer> freeSlots;
    private final Counter accepted;
    private final Counter persisted;
    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Timer flushLatency;
    private volatile boolean shuttingDown;
    private volatile boolean stopped;
    private Thread flusher;

    public EventWriter(Pool pool, IngestConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.config = config.writer();
        this.registry = registry;
        this.breaker = new CircuitBreaker(this.config.breakerInitialOpen(), this.config.breakerMaxOpen());
        this.freeSlots = new ArrayBlockingQueue<>(this.config.concurrentFlushes());
        for (int slot = 0; slot < this.config.concurrentFlushes(); slot++) {
            freeSlots.add(slot);
        }
        this.accepted = Counter.builder("ingest.events.accepted")
                .description("Events taken into the commit queue").register(registry);
        this.persisted = Counter.builder("ingest.events.persisted")
                .description("Events newly committed to PostgreSQL (idempotent repeats excluded)").register(registry);
        Gauge.builder("ingest.queue.depth", queuedEvents, AtomicInteger::get)
                .description("Events waiting for their commit").register(registry);
        this.batchSize = DistributionSummary.builder("ingest.batch.size")
                .description("Events per group-commit flush").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue((double) this.config.maxBatchRows())
                .register(registry);
        this.flushLatency = Timer.builder("ingest.flush.latency")
                .description("Duration of one group-commit INSERT including COMMIT").publishPercentileHistogram()
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        flusher = new Thread(this::flushLoop, "ingest-flusher");
        flusher.setDaemon(true);
        flusher.start();
    }

    /** Counts a rejection by reason; used by the HTTP layer too so all reasons share one metric. */
    public void countRejected(String reason, int events) {
        Counter.builder("ingest.events.rejected").tag("reason", reason)
                .description("Events refused (not stored), by reason").register(registry).increment(events);
    }

    /**
     * Queues the events; the returned write completes once they are committed.
     *
     * @throws IngestRejectedException when the queue is full, PostgreSQL is down or we are stopping
     */
    public PendingWrite submit(List<IngestEvent> events) {
        int count = events.size();
        if (shuttingDown) {
            // longer than ShutdownDrain's linger, so a client told to back off returns after the listener closed
            throw reject(Reason.SHUTTING_DOWN, count, 2);
        }
        if (breaker.isOpen()) {
            throw reject(Reason.STORE_UNAVAILABLE, count, breaker.retryAfterSeconds());
        }
        int capacity = config.queueCapacity();
        while (true) {
            int current = queuedEvents.get();
            if (current + count > capacity) {
                throw reject(Reason.QUEUE_FULL, count, 1);
            }
            if (queuedEvents.compareAndSet(current, current + count)) {
                break;
            }
        }
        PendingWrite write = new PendingWrite(events);
        queue.addLast(write);
        accepted.increment(count);
        return write;
    }

    private IngestRejectedException reject(Reason reason, int events, long retryAfter) {
        countRejected(reason.metricTag, events);
        return new IngestRejectedException(reason, retryAfter);
    }

    public int queueDepth() {
        return queuedEvents.get();
    }

    public boolean isSaturated() {
        return queuedEvents.get() >= config.queueCapacity() * config.saturationRatio();
    }

    public boolean isFlusherAlive() {
        return flusher != null && flusher.isAlive();
    }

    public boolean isStoreUnavailable() {
        return breaker.isOpen();
    }

    private void flushLoop() {
        while (!stopped) {
            try {
                long wait = breaker.nanosUntilRetry();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
                    continue;
                }
                // While the breaker is open only one probe flush runs at a time.
                if (breaker.isOpen() && inFlightFlushes.get() > 0) {
                    TimeUnit.MILLISECONDS.sleep(5);
                    continue;
                }
                Integer slot = freeSlots.poll(50, TimeUnit.MILLISECONDS);
                if (slot == null) {
                    continue;
                }
                List<PendingWrite> batch = collectBatch();
                if (batch.isEmpty()) {
                    freeSlots.add(slot);
                    continue;
                }
                flush(batch, slot, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Unexpected error in the flush loop; continuing", e);
            }
        }
    }

    private List<PendingWrite> collectBatch() throws InterruptedException {
        List<PendingWrite> batch = new ArrayList<>();
        PendingWrite first = queue.pollFirst(50, TimeUnit.MILLISECONDS);
        if (first == null) {
            return batch;
        }
        batch.add(first);
        if (first.isolate) {
            return batch;
        }
        int rows = first.events.size();
        long deadline = System.nanoTime() + config.linger().toNanos();
        while (rows < config.maxBatchRows()) {
            PendingWrite next = queue.pollFirst();
            if (next == null) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || shuttingDown) {
                    break;
                }
                next = queue.pollFirst(remaining, TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
            }
            if (next.isolate) {
                queue.addFirst(next);
                break;
            }
            batch.add(next);
            rows += next.events.size();
        }
        return batch;
    }

    private void flush(List<PendingWrite> batch, int slot, boolean ignoreDuplicates) {
        int rows = 0;
        for (PendingWrite write : batch) {
            rows += write.events.size();
        }
        String[] ids = new String[rows];
        OffsetDateTime[] timestamps = new OffsetDateTime[rows];
        String[] services = new String[rows];
        String[] messages = new String[rows];
        String[] metadata = new String[rows];
        String[] severities = new String[rows];
        String[] traceIds = new String[rows];
        String[] spanIds = new String[rows];
        int i = 0;
        for (PendingWrite write : batch) {
            write.attempted = true;
            for (IngestEvent event : write.events) {
                ids[i] = event.eventId();
                timestamps[i] = event.timestamp();
                services[i] = event.service();
                messages[i] = event.message();
                metadata[i] = event.metadataJson();
                severities[i] = event.severity();
                traceIds[i] = event.traceId();
                spanIds[i] = event.spanId();
                i++;
            }
        }
        int batchRows = rows;
        inFlightFlushes.incrementAndGet();
        long started = System.nanoTime();
        Tuple params = Tuple.of(ids, timestamps, services, messages, metadata, slot)
                .addValue(severities).addValue(traceIds).addValue(spanIds);
        String sql = ignoreDuplicates ? INSERT_IGNORING_DUPLICATES_SQL : INSERT_SQL;
        pool.preparedQuery(sql).execute(params).onComplete(result -> {
            boolean retryingIgnoringDuplicates = false;
            try {
                if (result.succeeded()) {
                    flushLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    batchSize.record(batchRows);
                    long inserted = result.result().iterator().next().getLong(0);
                    persisted.increment(inserted);
                    if (breaker.isOpen()) {
                        LOG.info("PostgreSQL is reachable again; closing the circuit breaker");
                    }
                    breaker.recordSuccess();
                    queuedEvents.addAndGet(-batchRows);
                    for (PendingWrite write : batch) {
                        write.committed.complete(null);
                    }
                } else if (!ignoreDuplicates && isUniqueViolation(result.cause())) {
                    // some events are already stored (a client retry, or our retry after a lost COMMIT reply):
                    // the statement was rolled back as a whole, redo it skipping what exists, on the same slot
                    retryingIgnoringDuplicates = true;
                } else {
                    onFlushFailure(batch, batchRows, result.cause());
                }
            } finally {
                inFlightFlushes.decrementAndGet();
                if (!retryingIgnoringDuplicates) {
                    freeSlots.add(slot);
                }
            }
            if (retryingIgnoringDuplicates) {
                flush(batch, slot, true);
            }
        });
    }

    private void onFlushFailure(List<PendingWrite> batch, int batchRows, Throwable cause) {
        if (isDataError(cause)) {
            if (batch.size() > 1) {
                LOG.warnf("A flush of %d requests was refused by PostgreSQL (%s); retrying each request alone",
                        batch.size(), cause.getMessage());
                requeueAtHead(batch, true);
            } else {
                LOG.warnf("PostgreSQL refused a request's events: %s", cause.getMessage());
                queuedEvents.addAndGet(-batchRows);
                batch.get(0).committed.completeExceptionally(new StoreRejectedEventException(cause.getMessage()));
            }
            return;
        }
        if (!breaker.isOpen()) {
            LOG.warnf("Flush failed (%s); opening the circuit breaker, %d events stay queued for retry",
                    cause.toString(), queuedEvents.get());
        }
        breaker.recordFailure();
        requeueAtHead(batch, false);
        rejectNeverAttempted();
    }

    /**
     * While PostgreSQL is down, requests queued but never sent are answered 503 right away instead
     * of hanging for the whole outage; nothing of them can be stored, so a retry is safe.
     */
    private void rejectNeverAttempted() {
        IngestRejectedException unavailable = new IngestRejectedException(Reason.STORE_UNAVAILABLE, breaker.retryAfterSeconds());
        for (PendingWrite write : queue) {
            if (!write.attempted && queue.remove(write)) {
                queuedEvents.addAndGet(-write.events.size());
                countRejected(Reason.STORE_UNAVAILABLE.metricTag, write.events.size());
                write.committed.completeExceptionally(unavailable);
            }
        }
    }

    private void requeueAtHead(List<PendingWrite> batch, boolean isolate) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            PendingWrite write = batch.get(i);
            write.isolate = write.isolate || isolate;
            queue.addFirst(write);
        }
    }

    private static boolean isUniqueViolation(Throwable cause) {
        return cause instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    /** SQLSTATE class 22 (data exception) or 23 (integrity): retrying the same rows cannot help. */
    private static boolean isDataError(Throwable cause) {
        if (cause instanceof PgException pg && pg.getSqlState() != null) {
            return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23");
        }
        return false;
    }

    /**
     * Runs after the listener closed (every accepted request was answered before, see the api's
     * ShutdownDrain): commits whatever is still queued, e.g. events of requests answered 503
     * NOT_YET_DURABLE, bounded by the drain timeout, before the connection pool is closed.
     */
    void drainOnShutdown(@Observes ShutdownEvent event) {
        drain(config.drainTimeout());
    }

    /** SIGTERM: new requests are refused (503 SHUTTING_DOWN, nothing stored); what is queued is still committed. */
    public void stopAccepting() {
        shuttingDown = true;
    }

    public boolean drain(Duration timeout) {
        shuttingDown = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((queuedEvents.get() > 0 || inFlightFlushes.get() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean drained = queuedEvents.get() == 0 && inFlightFlushes.get() == 0;
        if (drained) {
            LOG.info("Shutdown: every accepted event is committed");
        } else {
            LOG.errorf("Shutdown: %d events could not be committed within %s; their requests were not acknowledged",
                    queuedEvents.get(), timeout);
        }
        return drained;
    }

    @PreDestroy
    void stop() {
        stopped = true;
    }
}
