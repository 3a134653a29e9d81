package com.waitingroom.outbox;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.waitingroom.kernel.Routing;
import com.waitingroom.testsupport.LocalInfra;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * A consumer connected straight to RabbitMQ (never through the test proxy) on a server-named,
 * exclusive queue bound to the suite's exchange; it records every delivery in arrival order.
 */
public final class TestConsumer implements AutoCloseable {

    public record Received(String routingKey, AMQP.BasicProperties properties, byte[] body) {
        public String aggregateId() {
            return String.valueOf(properties.getHeaders().get(Routing.Headers.AGGREGATE_ID));
        }

        public long version() {
            return ((Number) properties.getHeaders().get(Routing.Headers.AGGREGATE_VERSION)).longValue();
        }
    }

    private final Connection connection;
    private final Channel channel;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    public TestConsumer(String bindingKey) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(LocalInfra.rabbitHost());
        factory.setPort(LocalInfra.rabbitPort());
        factory.setUsername(LocalInfra.rabbitUser());
        factory.setPassword(LocalInfra.rabbitPassword());
        connection = factory.newConnection("outbox-worker-test-consumer");
        channel = connection.createChannel();
        channel.exchangeDeclare(OutboxTestInfra.EXCHANGE, "topic", true);
        String queue = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(queue, OutboxTestInfra.EXCHANGE, bindingKey);
        channel.basicConsume(queue, true, (tag, delivery) -> received.add(
                new Received(delivery.getEnvelope().getRoutingKey(), delivery.getProperties(), delivery.getBody())),
                tag -> { });
    }

    public Channel channel() {
        return channel;
    }

    public List<Received> forAggregates(Set<String> aggregateIds) {
        return received.stream().filter(r -> aggregateIds.contains(r.aggregateId())).collect(Collectors.toList());
    }

    public List<Received> all() {
        return new ArrayList<>(received);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
