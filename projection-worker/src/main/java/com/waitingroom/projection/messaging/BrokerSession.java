package com.waitingroom.projection.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;
import com.waitingroom.projection.store.Failures;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer's link to RabbitMQ: one connection, the consume channel subscribed to the queue and
 * the confirm-mode channel for dead letters. Recovery has one owner, this class: the client's
 * automatic recovery is off. (With it on, its topology recovery re-ran declarations and consumers
 * recorded on channels the worker had already aborted and replaced, and logged "Caught an exception
 * when recovering topology … connection is already closed".) Whenever the consume channel or the
 * connection is lost, the applier thread calls {@link #ensureSubscribed()}: reconnect if needed,
 * re-declare the topology, subscribe on a fresh channel. Each subscription has an id; a lost one
 * voids its deliveries (the broker requeues every unacked delivery of a closed channel).
 */
final class BrokerSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BrokerSession.class);
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 500;
    private static final Duration REPEAT_WARNING_EVERY = Duration.ofSeconds(30);

    /** Receives deliveries on the client's thread, tagged with the subscription they belong to. */
    @FunctionalInterface
    interface DeliverySink {
        void accept(Channel channel, long subscription, Delivery delivery);
    }

    private final ProjectionConsumer.Settings settings;
    private final ApplyListener listener;
    private final DeliverySink sink;
    private final ConnectionFactory factory;
    private final AtomicLong subscription = new AtomicLong();
    private volatile boolean subscribed;
    private volatile String lossReason = "not connected yet";
    private volatile Connection connection;
    private volatile Channel consumeChannel;
    private volatile DeadLetterPublisher deadLetters;
    private volatile long lostAtNanos = System.nanoTime();
    // Applier thread only: the outage in progress, for its log lines and retry pauses.
    private long lastWarningNanos;
    private boolean everSubscribed;
    private boolean warned;
    private long retryMillis = FIRST_RETRY_MILLIS;

    BrokerSession(ProjectionConsumer.Settings settings, ApplyListener listener, DeliverySink sink) {
        this.settings = settings;
        this.listener = listener;
        this.sink = sink;
        this.factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        // A broker that vanishes without closing the socket is noticed after ~2 missed heartbeats.
        factory.setRequestedHeartbeat(5);
        factory.setConnectionTimeout(5000);
        factory.setHandshakeTimeout(5000);
    }

    /** True while connected and subscribed (readiness). Never blocks. */
    boolean isConsuming() {
        Channel channel = consumeChannel;
        Connection current = connection;
        return subscribed && channel != null && channel.isOpen() && current != null && current.isOpen();
    }

    /** The current subscription's id: deliveries of any other are void. */
    long subscription() {
        return subscription.get();
    }

    DeadLetterPublisher deadLetters() {
        return deadLetters;
    }

    /**
     * Makes one attempt to be subscribed (connect if needed, re-declare, subscribe on a fresh channel);
     * after a failed attempt it pauses (100 ms, doubling up to 500 ms), so the caller simply loops.
     * Applier thread only.
     */
    void ensureSubscribed() {
        if (isConsuming()) {
            return;
        }
        try {
            attempt();
            recovered();
        } catch (Exception e) {
            stillDown(e);
            sleep(retryMillis);
            retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
        }
    }

    /**
     * Ends the current subscription (e.g. a batch failed): ensureSubscribed closes its channel, so the
     * broker redelivers. No-op when it is already lost (the first reason stays for the log).
     */
    void dropSubscription(String reason) {
        if (subscribed) {
            lost(consumeChannel, reason);
        }
    }

    /**
     * Acks everything up to the tag if its subscription is still current. False when the subscription
     * (or the ack with it) was lost: the broker redelivers, and stream positions skip what was applied.
     */
    boolean ack(Channel channel, long ofSubscription, long deliveryTag) throws IOException {
        if (ofSubscription != subscription.get()) {
            return false;
        }
        try {
            channel.basicAck(deliveryTag, true);
            return true;
        } catch (IOException | ShutdownSignalException e) {
            // A failed write means a broken channel or connection: abort it (ensureSubscribed) so that
            // nothing of it stays unacked on a channel we keep using.
            LOG.infof("ack lost with the channel (%s); the broker redelivers those messages and the"
                    + " already applied ones are skipped as duplicates", Failures.describe(e));
            lost(channel, "ack failed: " + Failures.describe(e));
            return false;
        }
    }

    private void attempt() throws Exception {
        Connection current = connection;
        if (current == null || !current.isOpen()) {
            closeQuietly(current);
            connection = null;
            deadLetters = null;
            current = factory.newConnection("projection-worker");
            connection = current;
        }
        Channel lost = consumeChannel;
        consumeChannel = null; // closing it below is no news (and must not overwrite the loss reason)
        abortQuietly(lost);
        DeadLetterPublisher publisher = deadLetters;
        if (publisher == null || !publisher.isOpen()) {
            Channel publish = current.createChannel();
            publish.confirmSelect();
            deadLetters = new DeadLetterPublisher(publish, settings, listener);
        }
        subscribe(current);
    }

    private void subscribe(Connection current) throws IOException {
        Channel channel = current.createChannel();
        long id = subscription.incrementAndGet();
        consumeChannel = channel;
        channel.addShutdownListener(cause -> lost(channel, describe(cause)));
        ConsumerTopology.declare(channel, settings);
        channel.basicQos(settings.prefetch());
        channel.basicConsume(settings.queue(), false,
                (tag, delivery) -> sink.accept(channel, id, delivery),
                tag -> lost(channel, "consumer cancelled by the broker"));
        // Only now: before the binding exists, events published to the exchange are routed nowhere,
        // so "consuming" (readiness, and tests that publish once it is true) would be a lie.
        subscribed = id == subscription.get();
    }

    /** The given channel is gone or must go: void its deliveries. Any thread; stale channels are ignored. */
    private void lost(Channel channel, String reason) {
        if (channel == null || channel != consumeChannel) {
            return;
        }
        if (subscribed) {
            lostAtNanos = System.nanoTime();
        }
        subscription.incrementAndGet();
        subscribed = false;
        lossReason = reason;
    }

    private void recovered() {
        long outageMillis = (System.nanoTime() - lostAtNanos) / 1_000_000;
        if (everSubscribed) {
            LOG.infof("re-subscribed to %s %d ms after the subscription was lost (%s)", settings.queue(),
                    outageMillis, lossReason);
        } else {
            LOG.infof("consuming %s (bound with # to %s), prefetch %d, batch %d", settings.queue(),
                    settings.exchange(), settings.prefetch(), settings.batchSize());
        }
        everSubscribed = true;
        warned = false;
        retryMillis = FIRST_RETRY_MILLIS;
    }

    /** One line when an outage starts, one every 30 s while it lasts (debug in between): no log flood. */
    private void stillDown(Exception error) {
        long now = System.nanoTime();
        String what = Failures.describe(error);
        listener.failed("RabbitMQ: " + what);
        if (!warned || now - lastWarningNanos >= REPEAT_WARNING_EVERY.toNanos()) {
            LOG.warnf("not subscribed to %s at %s:%d for %d ms (%s; last attempt: %s); retrying every %d ms at most",
                    settings.queue(), settings.host(), settings.port(), (now - lostAtNanos) / 1_000_000, lossReason,
                    what, MAX_RETRY_MILLIS);
            warned = true;
            lastWarningNanos = now;
        } else {
            LOG.debugf("RabbitMQ attempt failed: %s", what);
        }
    }

    private static String describe(ShutdownSignalException cause) {
        String kind = cause.isHardError() ? "connection closed" : "channel closed";
        return kind + (cause.isInitiatedByApplication() ? " by the worker" : "") + ": "
                + (cause.getMessage() == null ? cause.getReason() : cause.getMessage());
    }

    private static void abortQuietly(Channel channel) {
        if (channel != null) {
            try {
                channel.abort();
            } catch (Exception ignored) {
                // already closed
            }
        }
    }

    private static void closeQuietly(Connection current) {
        if (current != null) {
            try {
                current.abort(1000);
            } catch (Exception ignored) {
                // already closed
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
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
