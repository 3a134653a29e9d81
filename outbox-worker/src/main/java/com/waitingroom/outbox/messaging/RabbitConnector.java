package com.waitingroom.outbox.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Owns one AMQP connection shared by the relay's channels. Automatic recovery is off on purpose:
 * the relay reconnects on its own schedule (outage back-off) and must learn about every broken
 * channel, because unconfirmed messages on it are in doubt.
 */
public final class RabbitConnector implements AutoCloseable {

    private final ConnectionFactory factory;
    private final String exchange;
    private Connection connection;

    public RabbitConnector(String host, int port, String username, String password, String virtualHost,
                           String exchange) {
        this.exchange = exchange;
        factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setConnectionTimeout(3000);
        factory.setHandshakeTimeout(5000);
        factory.setRequestedHeartbeat(10);
    }

    public String exchange() {
        return exchange;
    }

    /** A new confirm-mode channel on which the events exchange is declared (durable topic). */
    public synchronized Channel openConfirmChannel() throws BrokerUnavailableException {
        try {
            Channel channel = connection().createChannel();
            channel.exchangeDeclare(exchange, "topic", true);
            channel.confirmSelect();
            return channel;
        } catch (IOException | TimeoutException | RuntimeException e) {
            closeConnection();
            throw new BrokerUnavailableException("cannot open a channel to RabbitMQ at "
                    + factory.getHost() + ":" + factory.getPort() + ": " + describe(e), e);
        }
    }

    public synchronized boolean isConnected() {
        return connection != null && connection.isOpen();
    }

    /** Readiness probe: the relay's connection is open, or a fresh one can be opened now. */
    public synchronized boolean probe() {
        try {
            connection();
            return true;
        } catch (IOException | TimeoutException | RuntimeException e) {
            closeConnection();
            return false;
        }
    }

    private Connection connection() throws IOException, TimeoutException {
        if (connection == null || !connection.isOpen()) {
            closeConnection();
            connection = factory.newConnection("outbox-worker");
        }
        return connection;
    }

    public synchronized void closeConnection() {
        if (connection != null) {
            try {
                connection.abort(2000);
            } catch (RuntimeException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }

    static String describe(Throwable e) {
        Throwable cause = e;
        StringBuilder text = new StringBuilder();
        while (cause != null && text.length() < 300) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(": ").append(cause.getMessage());
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return text.toString();
    }
}
