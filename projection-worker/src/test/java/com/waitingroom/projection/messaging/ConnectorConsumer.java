package com.waitingroom.projection.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import com.waitingroom.projection.store.BatchOutcome;
import com.waitingroom.projection.store.IncomingEvent;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.connector.InboundConnector;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMessage;
import io.vertx.mutiny.rabbitmq.RabbitMQMessage;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Bench-only: the projection consumer on SmallRye Reactive Messaging's RabbitMQ connector instead of
 * the RabbitMQ client, so bench/projection-worker.sh can compare the two on the same queue, the same
 * decoding and the same batch apply: the connector's messages go into an inbox that one applier
 * thread drains in batches of the service's batch size, as ProjectionConsumer does; the connector then
 * acks each message separately (it has no multiple-ack). No failure isolation or parking: the bench's
 * events never fail.
 */
public final class ConnectorConsumer implements AutoCloseable {

    private final InboundConnector connector;
    private final ProjectionConsumer.Settings settings;
    private final ProjectionConsumer.BatchApplier batchApplier;
    private final ApplyListener listener;
    private final DeliveryDecoder decoder = new DeliveryDecoder();
    private final BlockingQueue<Message<?>> inbox = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private Thread applier;
    private Cancellable subscription;

    public ConnectorConsumer(InboundConnector connector, ProjectionConsumer.Settings settings,
                             ProjectionConsumer.BatchApplier applier, ApplyListener listener) {
        this.connector = connector;
        this.settings = settings;
        this.batchApplier = applier;
        this.listener = listener;
    }

    public void start() {
        Map<String, String> channel = new HashMap<>();
        channel.put("channel-name", "projection-bench-" + settings.queue());
        channel.put("connector", "smallrye-rabbitmq");
        channel.put("host", settings.host());
        channel.put("port", Integer.toString(settings.port()));
        channel.put("username", settings.username());
        channel.put("password", settings.password());
        channel.put("queue.name", settings.queue());
        channel.put("queue.durable", "true");
        channel.put("exchange.name", settings.exchange());
        channel.put("exchange.type", "topic");
        channel.put("routing-keys", "#");
        channel.put("max-outstanding-messages", Integer.toString(settings.prefetch()));
        channel.put("content-type-override", "application/octet-stream"); // the body stays bytes
        channel.put("tracing.enabled", "false"); // the direct consumer in the bench runs without spans too
        var config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(channel, "projection-bench", 500)).build();
        @SuppressWarnings("unchecked")
        Flow.Publisher<Message<?>> messages = (Flow.Publisher<Message<?>>) connector.getPublisher(config);
        // Unbounded demand: the broker's prefetch (max-outstanding-messages) bounds what is in flight,
        // as basicQos does for the direct consumer. The applier drains the inbox in batches like it.
        subscription = Multi.createFrom().publisher(messages)
                .subscribe().with(inbox::add, failure -> failure.printStackTrace());
        running = true;
        applier = new Thread(this::applyLoop, "connector-bench-applier");
        applier.setDaemon(true);
        applier.start();
    }

    private void applyLoop() {
        while (running) {
            try {
                Message<?> first = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Message<?>> batch = new ArrayList<>(settings.batchSize());
                batch.add(first);
                inbox.drainTo(batch, settings.batchSize() - 1);
                apply(batch);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void apply(List<Message<?>> batch) {
        List<IncomingEvent> events = new ArrayList<>(batch.size());
        for (Message<?> message : batch) {
            RabbitMQMessage raw = ((IncomingRabbitMQMessage<?>) message).getRabbitMQMessage();
            events.add(decoder.decode(new Delivery(raw.envelope(), (AMQP.BasicProperties) raw.properties(),
                    raw.body().getBytes())));
        }
        try {
            BatchOutcome outcome = batchApplier.apply(events);
            listener.batchCommitted(outcome, Instant.now());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        batch.forEach(Message::ack); // the connector acks one message at a time
    }

    /** Subscribed: the bench waits for the queue's consumer on the broker before publishing. */
    public boolean isConsuming() {
        return subscription != null;
    }

    @Override
    public void close() {
        running = false;
        if (subscription != null) {
            subscription.cancel();
        }
        if (applier != null) {
            applier.interrupt();
        }
    }
}
