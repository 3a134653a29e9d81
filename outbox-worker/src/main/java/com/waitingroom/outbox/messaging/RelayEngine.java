package com.waitingroom.outbox.messaging;

import com.rabbitmq.client.AMQP;
import com.waitingroom.outbox.domain.Backoff;
import com.waitingroom.outbox.domain.OutboxRow;
import com.waitingroom.outbox.domain.PublishOutcome;
import com.waitingroom.outbox.store.OutboxNotificationListener;
import com.waitingroom.outbox.store.RelayStore;
import io.opentelemetry.api.OpenTelemetry;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One relay replica: a LISTEN thread plus N workers that each loop claim → publish → confirm →
 * mark dispatched, in one database transaction per batch. After a claim that found nothing the
 * workers keep polling every {@code lingerPoll} for {@code linger}, then wait for a wake-up (NOTIFY,
 * due back-off, safety poll); the leader replica's LISTEN thread then runs the sleep handshake
 * that makes writers notify (see {@link OutboxNotificationListener}). Plain Java (no CDI) so a
 * test can run a second, independent replica next to the application's.
 */
public final class RelayEngine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RelayEngine.class);
    private static final long BLOCKED_RETRY_MILLIS = 10;

    public record Settings(int batchSize, int workers, Duration safetyPoll, Duration linger, Duration lingerPoll,
                           Duration confirmTimeout, boolean mandatory, int maxAttempts, Backoff rowBackoff,
                           Backoff outageBackoff) {
    }

    private final String name;
    private final DataSource dataSource;
    private final RabbitConnector connector;
    private final Settings settings;
    private final RelayMetrics metrics;
    private final PublishTracing tracing;
    private final RelayStore store = new RelayStore();
    private final WakeUpSignal wakeUp = new WakeUpSignal();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong workSeen = new AtomicLong();
    private volatile long lastWorkNanos = System.nanoTime();
    private final List<Thread> workers = new ArrayList<>();
    private final List<Thread> crashed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private OutboxNotificationListener listener;
    private Thread listenerThread;

    /** A replica without tracing (stored trace context is still forwarded as is). */
    public RelayEngine(String name, DataSource dataSource, RabbitConnector connector, Settings settings,
                       RelayMetrics metrics) {
        this(name, dataSource, connector, settings, metrics,
                new PublishTracing(OpenTelemetry.noop().getTracer("outbox-worker"), connector.exchange()));
    }

    public RelayEngine(String name, DataSource dataSource, RabbitConnector connector, Settings settings,
                       RelayMetrics metrics, PublishTracing tracing) {
        this.tracing = tracing;
        this.name = name;
        this.dataSource = dataSource;
        this.connector = connector;
        this.settings = settings;
        this.metrics = metrics;
    }

    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        lastWorkNanos = System.nanoTime();
        listener = new OutboxNotificationListener(dataSource, new OutboxNotificationListener.Relay() {
            @Override
            public void wakeWorkers() {
                wakeUp.wakeAll();
            }

            @Override
            public long workSeen() {
                return workSeen.get();
            }

            @Override
            public Duration idleFor() {
                return RelayEngine.this.idleFor();
            }
        }, settings.linger());
        listenerThread = new Thread(listener, name + "-listen");
        listenerThread.setDaemon(true);
        listenerThread.start();
        for (int i = 0; i < settings.workers(); i++) {
            Thread worker = new Thread(this::workLoop, name + "-worker-" + i);
            worker.setDaemon(true);
            worker.setUncaughtExceptionHandler((thread, error) -> {
                crashed.add(thread);
                LOG.errorf(error, "relay worker %s died", thread.getName());
            });
            workers.add(worker);
            worker.start();
        }
        LOG.infof("outbox relay %s started: %d workers, batch %d, exchange %s", name, settings.workers(),
                settings.batchSize(), connector.exchange());
    }

    public boolean isRunning() {
        return running.get();
    }

    /** False when a worker thread died of an unexpected error (liveness). */
    public boolean workersHealthy() {
        return crashed.isEmpty();
    }

    /** Whether this replica holds the leader lock (the only replica that ever sleeps). */
    public boolean isLeader() {
        return listener != null && listener.isLeader();
    }

    /** Whether this replica is asleep, i.e. writers notify. */
    public boolean isAsleep() {
        return listener != null && listener.isAsleep();
    }

    /** Wakes the workers now (e.g. after an operator requeued rows). */
    public void wakeUp() {
        wakeUp.wakeAll();
    }

    /** Stops claiming, lets the in-flight batches finish (bounded), then closes connections. */
    @Override
    public synchronized void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        if (listener != null) {
            listener.stop();
        }
        wakeUp.wakeAll();
        long waitMillis = settings.confirmTimeout().toMillis() + 5000;
        for (Thread worker : workers) {
            try {
                worker.join(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worker.isAlive()) {
                worker.interrupt();
            }
        }
        if (listenerThread != null) {
            try {
                listenerThread.join(2000); // it gives up leadership as it leaves
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
        connector.close();
        LOG.infof("outbox relay %s stopped", name);
    }

    private void workLoop() {
        int outages = 0;
        try (ConfirmingPublisher publisher = new ConfirmingPublisher(connector, settings.mandatory(),
                settings.confirmTimeout())) {
            while (running.get()) {
                long seen = wakeUp.generation();
                try {
                    BatchResult result = relayOneBatch(publisher);
                    if (result.brokerLost()) {
                        outages++;
                        sleepOutage(outages, "RabbitMQ connection lost during a batch");
                        continue;
                    }
                    if (result.brokerReached()) {
                        outages = 0; // only a batch the broker answered proves the outage is over
                    }
                    if (result.loopAtOnce()) {
                        continue;
                    }
                    wakeUp.awaitAfter(seen, result.idleMillis());
                } catch (BrokerUnavailableException e) {
                    outages++;
                    sleepOutage(outages, e.getMessage());
                } catch (SQLException e) {
                    outages++;
                    sleepOutage(outages, "database unavailable: " + e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sleepOutage(int outages, String reason) throws InterruptedException {
        long delay = settings.outageBackoff().delayMillis(outages, ThreadLocalRandom.current());
        // One line per outage start, then every 10th retry, so a long outage does not flood the log.
        if (outages == 1 || outages % 10 == 0) {
            LOG.warnf("outbox relay %s waiting %d ms (outage #%d, no attempts counted): %s", name, delay, outages,
                    reason);
        }
        long seen = wakeUp.generation();
        long deadline = System.currentTimeMillis() + delay;
        while (running.get() && System.currentTimeMillis() < deadline) {
            wakeUp.awaitAfter(seen, Math.max(1, deadline - System.currentTimeMillis()));
            seen = wakeUp.generation();
        }
    }

    record BatchResult(boolean loopAtOnce, long idleMillis, boolean brokerLost, boolean brokerReached) {
    }

    BatchResult relayOneBatch(ConfirmingPublisher publisher)
            throws SQLException, BrokerUnavailableException, InterruptedException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                BatchResult result = relayInTransaction(connection, publisher);
                connection.commit();
                if (result.brokerReached()) {
                    // Sibling workers may have been held back by this batch's row locks.
                    wakeUp.wakeAll();
                }
                return result;
            } catch (SQLException | BrokerUnavailableException | InterruptedException | RuntimeException e) {
                safeRollback(connection);
                throw e;
            }
        }
    }

    private BatchResult relayInTransaction(Connection connection, ConfirmingPublisher publisher)
            throws SQLException, BrokerUnavailableException, InterruptedException {
        long claimStarted = System.nanoTime();
        RelayStore.Claim claim = store.claim(connection, settings.batchSize());
        long claimNanos = System.nanoTime() - claimStarted;
        if (claim.candidates() > 0) {
            lastWorkNanos = System.nanoTime();
            workSeen.incrementAndGet();
        }
        if (claim.rows().isEmpty()) {
            // Rows held back only by batches in flight elsewhere are free within milliseconds.
            long idle = claim.someBlocked() ? BLOCKED_RETRY_MILLIS : idleMillis(connection);
            return new BatchResult(false, idle, false, false);
        }
        List<OutboxRow> publishable = new ArrayList<>(claim.rows().size());
        List<PublishTracing.RowTrace> traces = new ArrayList<>(claim.rows().size());
        List<AMQP.BasicProperties> properties = new ArrayList<>(claim.rows().size());
        List<RelayStore.Failure> failures = new ArrayList<>();
        Set<String> haltedAggregates = new HashSet<>();
        long publishedAt = System.currentTimeMillis();
        for (OutboxRow row : claim.rows()) {
            if (haltedAggregates.contains(row.aggregateId())) {
                continue; // an earlier version of this aggregate cannot go out in this batch
            }
            PublishTracing.RowTrace trace = tracing.start(row);
            trace.enter();
            try {
                properties.add(ConfirmingPublisher.propertiesOf(row, publishedAt, trace));
                publishable.add(row);
                traces.add(trace);
                if (row.attempts() > 0) {
                    // A retrying row goes out alone: its successors wait for its confirm.
                    haltedAggregates.add(row.aggregateId());
                }
            } catch (ConfirmingPublisher.MalformedRowException e) {
                // Cannot ever succeed: dead at once instead of burning retries.
                haltedAggregates.add(row.aggregateId());
                failures.add(new RelayStore.Failure(row.id(), row.attempts() + 1, e.getMessage(), 0, true));
                LOG.errorf("outbox row %d (event %s, %s) is dead: %s", row.id(), row.eventId(), row.eventType(),
                        e.getMessage());
                metrics.dead();
                PublishTracing.abandon(trace, "malformed row");
            } finally {
                trace.leave();
            }
        }
        long started = System.nanoTime();
        List<PublishOutcome> outcomes = publishable.isEmpty() ? List.of() : publisher.publish(publishable, properties);
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        Instant confirmedAt = Instant.now();

        List<Long> confirmed = new ArrayList<>();
        boolean brokerLost = false;
        Set<String> failedAggregates = new HashSet<>();
        for (int i = 0; i < publishable.size(); i++) {
            PublishTracing.RowTrace trace = traces.get(i);
            trace.enter();
            try {
                brokerLost |= settle(publishable.get(i), outcomes.get(i), trace, latency, confirmedAt, confirmed,
                        failedAggregates, failures);
            } finally {
                trace.leave();
            }
        }
        long updateStarted = System.nanoTime();
        store.markDispatched(connection, confirmed);
        store.recordFailures(connection, failures);
        if (LOG.isDebugEnabled()) {
            LOG.debugf("batch of %d/%d rows: claim %.1f ms, publish+confirm %.1f ms, update %.1f ms", confirmed.size(),
                    claim.candidates(), claimNanos / 1e6, latency.toNanos() / 1e6,
                    (System.nanoTime() - updateStarted) / 1e6);
        }
        metrics.dispatched(confirmed.size());
        boolean moreDue = claim.candidates() >= settings.batchSize() || !confirmed.isEmpty() || claim.someBlocked();
        return new BatchResult(moreDue && !brokerLost, moreDue ? 0 : idleMillis(connection), brokerLost,
                !publishable.isEmpty() && !brokerLost);
    }

    /** Books one row's outcome (its trace in the MDC); true when it shows the broker connection was lost. */
    private boolean settle(OutboxRow row, PublishOutcome outcome, PublishTracing.RowTrace trace, Duration latency,
                           Instant confirmedAt, List<Long> confirmed, Set<String> failedAggregates,
                           List<RelayStore.Failure> failures) {
        if (failedAggregates.contains(row.aggregateId())) {
            // An earlier version failed in this batch: even if this one was confirmed, leave it
            // pending (no attempt counted) so it is published again after its predecessor.
            PublishTracing.abandon(trace, "held back: an earlier version of its aggregate failed");
            return false;
        }
        PublishTracing.finish(trace, outcome);
        if (outcome.confirmed()) {
            confirmed.add(row.id());
            metrics.publishLatency(latency);
            metrics.commitToPublishLag(Duration.between(row.createdAt(), confirmedAt));
            if (LOG.isDebugEnabled()) {
                LOG.debugf("relayed event %s (%s, %s v%d)", row.eventId(), row.eventType(), row.aggregateId(),
                        row.aggregateVersion());
            }
            return false;
        }
        failedAggregates.add(row.aggregateId());
        if (outcome.status() == PublishOutcome.Status.CONNECTION_LOST) {
            return true; // outage: leave the row as it is
        }
        failures.add(failureOf(row, outcome));
        return false;
    }

    private RelayStore.Failure failureOf(OutboxRow row, PublishOutcome outcome) {
        int attempts = row.attempts() + 1;
        boolean dead = attempts >= settings.maxAttempts();
        long retryIn = dead ? 0 : settings.rowBackoff().delayMillis(attempts, ThreadLocalRandom.current());
        metrics.publishFailure();
        if (dead) {
            metrics.dead();
            LOG.errorf("outbox row %d (event %s, %s, aggregate %s v%d) is dead after %d attempts: %s", row.id(),
                    row.eventId(), row.eventType(), row.aggregateId(), row.aggregateVersion(), attempts,
                    outcome.detail());
        } else {
            LOG.warnf("outbox row %d (event %s) publish failed (attempt %d/%d), retry in %d ms: %s", row.id(),
                    row.eventId(), attempts, settings.maxAttempts(), retryIn, outcome.detail());
        }
        return new RelayStore.Failure(row.id(), attempts, outcome.detail(), retryIn, dead);
    }

    private Duration idleFor() {
        return Duration.ofNanos(System.nanoTime() - lastWorkNanos);
    }

    /** How long a worker that found nothing waits for a wake-up before claiming again. */
    private long idleMillis(Connection connection) throws SQLException {
        if (idleFor().compareTo(settings.linger()) < 0) {
            return Math.max(1, settings.lingerPoll().toMillis()); // recently busy: more is likely to come
        }
        long poll = settings.safetyPoll().toMillis();
        Optional<Instant> nextDue = store.nextDueAt(connection);
        if (nextDue.isEmpty()) {
            return poll;
        }
        long untilDue = Duration.between(Instant.now(), nextDue.get()).toMillis() + 1;
        return Math.max(1, Math.min(poll, untilDue));
    }

    private static void safeRollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is probably gone; the pool discards it
        }
    }
}
