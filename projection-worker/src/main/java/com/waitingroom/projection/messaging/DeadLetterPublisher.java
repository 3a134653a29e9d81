package com.waitingroom.projection.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.waitingroom.kernel.Routing;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Publishes a message that can never be applied (undecodable bytes, unknown event type, foreign
 * aggregate type) to the dead-letter exchange, routed by the queue it died in: body and properties
 * unchanged, headers copied plus the reason. Waits for the broker's confirm, so the caller acks the
 * original only once the dead letter is safe.
 */
final class DeadLetterPublisher {

    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    private final Channel channel;
    private final ProjectionConsumer.Settings settings;
    private final ApplyListener listener;

    /** channel: in confirm mode; after a reconnect the session makes a new publisher on a new channel. */
    DeadLetterPublisher(Channel channel, ProjectionConsumer.Settings settings, ApplyListener listener) {
        this.channel = channel;
        this.settings = settings;
        this.listener = listener;
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    void publish(Delivery delivery, String reason) throws IOException, InterruptedException {
        AMQP.BasicProperties original = delivery.getProperties();
        Map<String, Object> headers = new HashMap<>();
        if (original.getHeaders() != null) {
            headers.putAll(original.getHeaders());
        }
        headers.put(Routing.Headers.DEAD_LETTER_REASON, reason);
        headers.put("x-original-exchange", delivery.getEnvelope().getExchange());
        headers.put("x-original-routing-key", delivery.getEnvelope().getRoutingKey());
        AMQP.BasicProperties properties = original.builder().headers(headers).deliveryMode(2).build();
        synchronized (channel) {
            channel.basicPublish(settings.deadLetterExchange(), settings.queue(), true, properties, delivery.getBody());
            try {
                channel.waitForConfirmsOrDie(10_000);
            } catch (TimeoutException e) {
                throw new IOException("dead-letter publish not confirmed", e);
            }
        }
        LOG.warnf("dead-lettered message %s: %s", original.getMessageId(), reason);
        listener.deadLettered(reason);
    }
}
