package com.waitingroom.projection.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.waitingroom.kernel.EventDecodingException;
import com.waitingroom.projection.store.BatchOutcome;
import com.waitingroom.projection.store.EventApplyException;
import com.waitingroom.projection.store.Failures;
import com.waitingroom.projection.store.IncomingEvent;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consume/ack loop of the projection queue, with manual acks: the broker thread only decodes
 * and enqueues, one applier thread drains up to batch-size deliveries, hands them to
 * {@link FailureIsolation} (one transaction, or one per event when an event fails) and acks them
 * (multiple=true) only once all are committed, parked or dead-lettered. Also owns the connection and
 * the subscription's life (re-subscribing after a channel loss). Not a CDI bean so a test can run a
 * second instance against the same queue.
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
                           IncomingEvent event, RuntimeException decodeError) {
    }

    private Inbound inbound(Channel channel, long subscription, Delivery delivery) {
        long tag = delivery.getEnvelope().getDeliveryTag();
        try {
            return new Inbound(channel, subscription, tag, delivery, decoder.decode(delivery), null);
        } catch (EventDecodingException | IllegalArgumentException e) {
            return new Inbound(channel, subscription, tag, delivery, null, e);
        }
    }

    private final Settings settings;
    private final ApplyListener listener;
    private final FailureIsolation isolation;
    private final DeliveryDecoder decoder = new DeliveryDecoder();
    private final BlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong subscription = new AtomicLong();
    private volatile boolean running;
    /** Set when the consume channel is gone for good (closed by the broker or by us, or cancelled). */
    // True until subscribe() has declared and bound the queue and registered the consumer: before
    // that, "consuming" (readiness, and callers that publish once it is true) would be a lie, and
    // events published to the exchange before the binding exists are routed nowhere.
    private volatile boolean subscriptionLost = true;
    private volatile Connection connection;
    private volatile Channel consumeChannel;
    private volatile DeadLetterPublisher deadLetters;
    private Thread applierThread;

    public ProjectionConsumer(Settings settings, BatchApplier applier, QueueParker parker, ApplyListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.isolation = new FailureIsolation(applier, parker, listener, settings.maxAttempts(), () -> running);
    }

    /** Connects (retrying in the background until the broker answers) and starts applying. */
    public synchronized void start() {
        running = true;
        applierThread = new Thread(this::run, "projection-applier-" + settings.queue());
        applierThread.setDaemon(true);
        applierThread.start();
    }

    /** True while connected and subscribed (readiness). */
    public boolean isConsuming() {
        Channel current = consumeChannel;
        return !subscriptionLost && current != null && current.isOpen();
    }

    public Settings settings() {
        return settings;
    }

    private void run() {
        while (running && connection == null) {
            try {
                connect();
            } catch (Exception e) {
                LOG.warnf("RabbitMQ not reachable at %s:%d (%s); retrying", settings.host(), settings.port(),
                        Failures.describe(e));
                listener.failed("RabbitMQ: " + Failures.describe(e));
                sleep(Duration.ofSeconds(2));
            }
        }
        while (running) {
            try {
                if (subscriptionLost) {
                    resubscribe();
                }
                Inbound first = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Inbound> batch = new ArrayList<>(settings.batchSize());
                batch.add(first);
                inbox.drainTo(batch, settings.batchSize() - 1);
                batch.removeIf(message -> message.subscription() != subscription.get());
                if (!batch.isEmpty()) {
                    process(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // Nothing of this batch was acked. Closing the channel makes the broker redeliver it;
                // acking a later delivery with multiple=true on the same channel would lose it.
                LOG.errorf(e, "batch aborted without ack; the broker will redeliver it");
                listener.failed(Failures.describe(e));
                dropSubscription();
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private void connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(2000);
        factory.setRequestedHeartbeat(10);
        factory.setConnectionTimeout(5000);
        Connection opened = factory.newConnection("projection-worker");
        try {
            Channel publish = opened.createChannel();
            publish.confirmSelect();
            deadLetters = new DeadLetterPublisher(publish, settings, listener);
            connection = opened;
            subscribe();
        } catch (Exception e) {
            connection = null;
            try {
                opened.close();
            } catch (Exception ignored) {
                // closing a half-open connection
            }
            throw e;
        }
        LOG.infof("consuming %s (bound with # to %s), prefetch %d, batch %d", settings.queue(), settings.exchange(),
                settings.prefetch(), settings.batchSize());
    }

    private void subscribe() throws Exception {
        Channel channel = connection.createChannel();
        consumeChannel = channel;
        subscription.incrementAndGet();
        channel.addShutdownListener(cause -> {
            if (consumeChannel != channel) {
                return; // a lost channel closed by resubscribe()
            }
            // Every close voids the unacked deliveries. A connection failure (hard error) is healed by
            // automatic recovery, consumer included; a channel-level close is not.
            subscription.incrementAndGet();
            if (!cause.isHardError()) {
                subscriptionLost = true;
            }
        });
        ConsumerTopology.declare(channel, settings);
        channel.basicQos(settings.prefetch());
        channel.basicConsume(settings.queue(), false,
                (tag, delivery) -> inbox.add(inbound(channel, subscription.get(), delivery)),
                tag -> dropSubscription());
        subscriptionLost = false;
    }

    /** Voids the current deliveries; the applier thread re-subscribes on a fresh channel. */
    private void dropSubscription() {
        subscription.incrementAndGet();
        subscriptionLost = true;
    }

    /**
     * Closes the lost channel (its unacked deliveries go back to the queue and the client stops
     * recovering it, so there is never a second consumer) and subscribes again once connected.
     */
    private void resubscribe() {
        while (running) {
            Channel lost = consumeChannel;
            try {
                lost.abort();
            } catch (Exception ignored) {
                // already closed
            }
            try {
                subscribe();
                LOG.infof("re-subscribed to %s", settings.queue());
                return;
            } catch (Exception e) {
                LOG.warnf("re-subscribe failed (%s); retrying", Failures.describe(e));
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private void process(List<Inbound> batch) throws Exception {
        List<IncomingEvent> events = new ArrayList<>(batch.size());
        for (Inbound message : batch) {
            if (message.decodeError() == null) {
                events.add(message.event());
            } else {
                // Deterministic: retrying an undecodable message or unknown type cannot succeed.
                deadLetters.publish(message.delivery(), "undecodable: " + Failures.describe(message.decodeError()));
            }
        }
        if (!events.isEmpty()) {
            isolation.apply(events);
        }
        // Everything up to the last tag is now committed, parked or dead-lettered. A batch holds
        // deliveries of one subscription only; if that ended meanwhile the broker redelivers them.
        Inbound last = batch.get(batch.size() - 1);
        if (last.subscription() == subscription.get()) {
            last.channel().basicAck(last.deliveryTag(), true);
        }
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
        Connection current = connection;
        if (current != null) {
            try {
                current.close(5000);
            } catch (Exception ignored) {
                // already closed
            }
        }
    }
}
