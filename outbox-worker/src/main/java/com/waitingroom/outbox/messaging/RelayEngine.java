package com.waitingroom.outbox.messaging;

import com.waitingroom.outbox.domain.Backoff;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One relay replica: a LISTEN thread plus N workers that each loop claim → publish → confirm →
 * move the confirmed rows to the dispatched log, in one database transaction per batch; while a full batch awaits its confirms the
 * worker claims and sends the next one ({@link RelayPipeline}). After a claim that found nothing the
 * workers keep polling every {@code lingerPoll} for {@code linger}, then wait for a wake-up (NOTIFY,
 * due back-off, safety poll); the leader replica's LISTEN thread then runs the sleep handshake
 * that makes writers notify (see {@link OutboxNotificationListener}). Plain Java (no CDI) so a
 * test can run a second, independent replica next to the application's.
 */
public final class RelayEngine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RelayEngine.class);

    /** {@code pipelineDepth}: batches a worker keeps in flight while there is a backlog (1 = one at a time). */
    public record Settings(int batchSize, int workers, Duration safetyPoll, Duration linger, Duration lingerPoll,
                           Duration confirmTimeout, boolean mandatory, int maxAttempts, Backoff rowBackoff,
                           Backoff outageBackoff, int pipelineDepth) {
        public Settings {
            if (pipelineDepth < 1) {
                throw new IllegalArgumentException("pipeline depth must be >= 1, was " + pipelineDepth);
            }
        }
    }

    private final String name;
    private final DataSource dataSource;
    private final RabbitConnector connector;
    private final Settings settings;
    private final RelayStore store = new RelayStore();
    private final BatchRelayer batches;
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
        this.name = name;
        this.dataSource = dataSource;
        this.connector = connector;
        this.settings = settings;
        this.batches = new BatchRelayer(dataSource, settings, metrics, tracing, store);
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
        RelayPipeline pipeline = new RelayPipeline(batches, settings, wakeUp, new RelayPipeline.Activity() {
            @Override
            public void workSeen() {
                lastWorkNanos = System.nanoTime();
                workSeen.incrementAndGet();
            }

            @Override
            public long idleMillis() throws SQLException {
                return RelayEngine.this.idleMillis();
            }
        });
        try (ConfirmingPublisher publisher = new ConfirmingPublisher(connector, settings.mandatory(),
                settings.confirmTimeout())) {
            try {
                while (running.get()) {
                    long seen = wakeUp.generation();
                    try {
                        RelayPipeline.TurnResult result = pipeline.turn(publisher);
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
                pipeline.drain(publisher, name);
            } finally {
                pipeline.abandon(); // rolled back: its rows go out again (at-least-once)
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

    private Duration idleFor() {
        return Duration.ofNanos(System.nanoTime() - lastWorkNanos);
    }

    /** How long a worker that found nothing waits for a wake-up before claiming again. */
    private long idleMillis() throws SQLException {
        if (idleFor().compareTo(settings.linger()) < 0) {
            return Math.max(1, settings.lingerPoll().toMillis()); // recently busy: more is likely to come
        }
        long poll = settings.safetyPoll().toMillis();
        Optional<Instant> nextDue;
        try (Connection connection = dataSource.getConnection()) {
            nextDue = store.nextDueAt(connection);
        }
        if (nextDue.isEmpty()) {
            return poll;
        }
        long untilDue = Duration.between(Instant.now(), nextDue.get()).toMillis() + 1;
        return Math.max(1, Math.min(poll, untilDue));
    }
}
