package com.waitingroom.projection.messaging;

import com.rabbitmq.client.Channel;
import com.waitingroom.kernel.Routing;

import java.io.IOException;

/**
 * What the consumer declares (idempotently, on every subscription): the durable topic exchange, the
 * queue bound with #, the dead-letter exchange and the queue's own dead-letter queue.
 */
final class ConsumerTopology {

    private ConsumerTopology() {
    }

    static void declare(Channel channel, ProjectionConsumer.Settings settings) throws IOException {
        channel.exchangeDeclare(settings.exchange(), "topic", true);
        channel.queueDeclare(settings.queue(), true, false, false, null);
        channel.queueBind(settings.queue(), settings.exchange(), Routing.ALL_EVENTS);
        channel.exchangeDeclare(settings.deadLetterExchange(), "topic", true);
        channel.queueDeclare(settings.deadLetterQueue(), true, false, false, null);
        // The routing key of a dead letter is the queue it died in, so each consumer gets its own.
        channel.queueBind(settings.deadLetterQueue(), settings.deadLetterExchange(), settings.queue());
    }
}
