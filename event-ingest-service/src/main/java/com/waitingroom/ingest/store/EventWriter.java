package com.waitingroom.ingest.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Group commit: requests put their events in one bounded in-memory queue and wait; a flusher
 * thread takes everything queued (up to a batch size, lingering a few ms for more) and writes it
 * with ONE {@code INSERT ... SELECT FROM unnest(...)} statement ({@link BatchInsert}), i.e. one COMMIT for many requests.
 * A request is completed only after that COMMIT, so an acknowledgement always means durable.
 *
 * <p>A flush that fails because PostgreSQL is unreachable is put back at the head of the queue and
 * retried after the circuit breaker's pause; event ids are fixed before the first attempt and the
 * insert ignores conflicts, so a retry of a batch whose COMMIT did happen cannot duplicate rows.
 */
@ApplicationScoped
public class EventWriter {

    private static final Logger LOG = Logger.getLogger(EventWriter.class);

    private final Pool pool;
    private final IngestConfig.Writer config;
    private final CircuitBreaker breaker;
    private final LinkedBlockingDeque<PendingWrite> queue = new LinkedBlockingDeque<>();
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final AtomicInteger inFlightFlushes = new AtomicInteger();
    private final BlockingQueue<Integer> freeSlots;
    private final WriterMetrics metrics;
    private volatile boolean shuttingDown;
    private volatile boolean stopped;
    private Thread flusher;

    public EventWriter(Pool pool, IngestConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.config = config.writer();
        this.breaker = new CircuitBreaker(this.config.breakerInitialOpen(), this.config.breakerMaxOpen());
        this.freeSlots = new ArrayBlockingQueue<>(this.config.concurrentFlushes());
        for (int slot = 0; slot < this.config.concurrentFlushes(); slot++) {
            freeSlots.add(slot);
        }
        this.metrics = new WriterMetrics(registry, this.config.maxBatchRows(), queuedEvents);
    }

    void start(@Observes StartupEvent event) {
        flusher = new Thread(this::flushLoop, "ingest-flusher");
        flusher.setDaemon(true);
        flusher.start();
    }

    /** Counts a rejection by reason; used by the HTTP layer too so all reasons share one metric. */
    public void countRejected(String reason, int events) {
        metrics.rejected(reason, events);
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
        metrics.accepted(count);
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
        for (PendingWrite write : batch) {
            write.attempted = true;
        }
        int batchRows = rows;
        inFlightFlushes.incrementAndGet();
        long started = System.nanoTime();
        Tuple params = BatchInsert.parameters(batch, rows, slot, ignoreDuplicates);
        Statements.execute(pool, BatchInsert.sql(ignoreDuplicates), params).onComplete(result -> {
            boolean retryingIgnoringDuplicates = false;
            try {
                if (result.succeeded()) {
                    long inserted = ignoreDuplicates ? result.result().iterator().next().getLong(0) : result.result().rowCount();
                    metrics.committed(batchRows, inserted, System.nanoTime() - started);
                    if (breaker.isOpen()) {
                        LOG.info("PostgreSQL is reachable again; closing the circuit breaker");
                    }
                    breaker.recordSuccess();
                    queuedEvents.addAndGet(-batchRows);
                    for (PendingWrite write : batch) {
                        write.committed.complete(null);
                    }
                } else if (!ignoreDuplicates && PgErrors.isUniqueViolation(result.cause())) {
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
        if (PgErrors.isDataError(cause)) {
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
