package com.waitingroom.projection.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;
import com.waitingroom.kernel.EventDecodingException;
import com.waitingroom.projection.store.BatchOutcome;
import com.waitingroom.projection.store.EventApplyException;
import com.waitingroom.projection.store.Failures;
import com.waitingroom.projection.store.IncomingEvent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The consume/ack loop of the projection queue, with manual acks: the broker thread only decodes
 * and enqueues, one applier thread drains up to batch-size deliveries, hands them to
 * {@link FailureIsolation} (one transaction, or one per event when an event fails) and acks them
 * (multiple=true) only once all are committed, parked or dead-lettered. The connection, the
 * subscription and their recovery belong to {@link BrokerSession}. Not a CDI bean so a test can run
 * a second instance against the same queue.
 */
public final class ProjectionConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProjectionConsumer.class);

    /** Settings of one consumer. */
    public record Settings(String host, int port, String username, String password, String exchange, String queue,
                           String deadLetterExchange, int prefetch, int batchSize, int maxAttempts) {
        public String deadLetterQueue() {
            return queue + ".dlq";
        }
    }

    /** Applies a batch in one read-model transaction. */
    @FunctionalInterface
    public interface BatchApplier {
        BatchOutcome apply(List<IncomingEvent> batch) throws SQLException;
    }

    /** Parks the queue of the event a failure names, keeping the delivered event durably too. */
    @FunctionalInterface
    public interface QueueParker {
        BatchOutcome park(EventApplyException failure, int attempts, IncomingEvent delivered) throws SQLException;
    }

    /**
     * A delivery, decoded on the broker's thread so decoding overlaps the applier's database work.
     * subscription tells which life of the consume channel delivered it: once that channel closes,
     * the broker requeues every unacknowledged delivery, so older ones are neither applied nor acked.
     */
    private record Inbound(Channel channel, long subscription, long deliveryTag, Delivery delivery,
                           IncomingEvent event, RuntimeException decodeError, ConsumeTracing.DeliveryTrace trace) {
    }

    private Inbound inbound(Channel channel, long subscription, Delivery delivery) {
        long tag = delivery.getEnvelope().getDeliveryTag();
        ConsumeTracing.DeliveryTrace trace = tracing.start(delivery);
        try {
            return new Inbound(channel, subscription, tag, delivery, decoder.decode(delivery), null, trace);
        } catch (EventDecodingException | IllegalArgumentException e) {
            return new Inbound(channel, subscription, tag, delivery, null, e, trace);
        }
    }

    private final Settings settings;
    private final ConsumeTracing tracing;
    /** The traces of the batch being applied, for the log lines of one event (applier thread only). */
    private final Map<IncomingEvent, ConsumeTracing.DeliveryTrace> batchTraces = new IdentityHashMap<>();
    private final ApplyListener listener;
    private final FailureIsolation isolation;
    private final DeliveryDecoder decoder = new DeliveryDecoder();
    private final BlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();
    private final BrokerSession session;
    private volatile boolean running;
    private Thread applierThread;

    /** A consumer without spans (trace ids from the headers still reach the logs). */
    public ProjectionConsumer(Settings settings, BatchApplier applier, QueueParker parker, ApplyListener listener) {
        this(settings, applier, parker, listener, OpenTelemetry.noop().getTracer("projection-worker"));
    }

    public ProjectionConsumer(Settings settings, BatchApplier applier, QueueParker parker, ApplyListener listener,
                              Tracer tracer) {
        this.settings = settings;
        this.tracing = new ConsumeTracing(tracer, settings.queue());
        this.listener = listener;
        this.isolation = new FailureIsolation(applier, parker, listener, settings.maxAttempts(), () -> running,
                event -> batchTraces.getOrDefault(event, ConsumeTracing.DeliveryTrace.NONE));
        this.session = new BrokerSession(settings, listener,
                (channel, subscription, delivery) -> inbox.add(inbound(channel, subscription, delivery)));
    }

    /** Connects (retrying in the background until the broker answers) and starts applying. */
    public synchronized void start() {
        running = true;
        applierThread = new Thread(this::run, "projection-applier-" + settings.queue());
        applierThread.setDaemon(true);
        applierThread.start();
    }

    /** True while connected and subscribed (readiness). Never blocks. */
    public boolean isConsuming() {
        return session.isConsuming();
    }

    public Settings settings() {
        return settings;
    }

    private void run() {
        while (running) {
            try {
                if (!session.isConsuming()) {
                    session.ensureSubscribed(); // one attempt, then a short pause if it failed
                    continue;
                }
                Inbound first = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Inbound> batch = new ArrayList<>(settings.batchSize());
                batch.add(first);
                inbox.drainTo(batch, settings.batchSize() - 1);
                long current = session.subscription();
                batch.removeIf(message -> message.subscription() != current);
                if (!batch.isEmpty()) {
                    process(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // Nothing of this batch was acked. Closing the channel makes the broker redeliver it;
                // acking a later delivery with multiple=true on the same channel would lose it.
                if (isBrokerLoss(e)) {
                    LOG.infof("batch interrupted by the loss of the broker connection (%s); the broker redelivers it",
                            Failures.describe(e));
                    session.dropSubscription("batch interrupted: " + Failures.describe(e));
                } else {
                    LOG.errorf(e, "batch aborted without ack; the broker will redeliver it");
                    listener.failed(Failures.describe(e));
                    session.dropSubscription("batch aborted: " + Failures.describe(e));
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
    }

    /** The channel or connection went away under the batch (not a failure of the worker). */
    private boolean isBrokerLoss(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException || (t instanceof IOException && !session.isConsuming())) {
                return true;
            }
        }
        return false;
    }

    private void process(List<Inbound> batch) throws Exception {
        try {
            applyAndAck(batch);
        } catch (Exception | Error e) {
            batch.forEach(message -> message.trace().end("not acknowledged (redelivered): " + Failures.describe(e)));
            throw e;
        } finally {
            batchTraces.clear();
        }
        for (Inbound message : batch) {
            message.trace().enter();
            try {
                if (message.decodeError() == null && LOG.isDebugEnabled()) {
                    LOG.debugf("applied event %s (%s, %s v%d)", message.event().envelope().eventId(),
                            message.event().envelope().eventType(), message.event().aggregateId(),
                            message.event().version());
                }
                message.trace().end(message.decodeError() == null ? null : "dead-lettered");
            } finally {
                message.trace().leave();
            }
        }
    }

    private void applyAndAck(List<Inbound> batch) throws Exception {
        List<IncomingEvent> events = new ArrayList<>(batch.size());
        for (Inbound message : batch) {
            if (message.decodeError() == null) {
                events.add(message.event());
                batchTraces.put(message.event(), message.trace());
            } else {
                // Deterministic: retrying an undecodable message or unknown type cannot succeed.
                message.trace().enter();
                try {
                    session.deadLetters().publish(message.delivery(),
                            "undecodable: " + Failures.describe(message.decodeError()));
                } finally {
                    message.trace().leave();
                }
            }
        }
        if (!events.isEmpty()) {
            isolation.apply(events);
        }
        // Everything up to the last tag is now committed, parked or dead-lettered. A batch holds
        // deliveries of one subscription only; if that ended meanwhile the broker redelivers them.
        Inbound last = batch.get(batch.size() - 1);
        session.ack(last.channel(), last.subscription(), last.deliveryTag());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the batch in progress (acked or not); unacked messages go back to the queue. */
    @Override
    public void close() {
        running = false;
        Thread thread = applierThread;
        if (thread != null) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        session.close();
    }
}
