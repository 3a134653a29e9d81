package com.waitingroom.outbox.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import com.waitingroom.kernel.Routing;
import com.waitingroom.outbox.domain.OutboxRow;
import com.waitingroom.outbox.domain.PublishOutcome;

import java.io.IOException;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Publishes a batch on one confirm-mode channel and waits for the broker's per-message verdict
 * (ack, nack, return) within a timeout. Not thread-safe: each relay worker owns one.
 */
public final class ConfirmingPublisher implements AutoCloseable {

    private final RabbitConnector connector;
    private final boolean mandatory;
    private final Duration confirmTimeout;
    private Channel channel;
    /** Batches sent and not yet awaited, oldest first; the channel's listeners resolve them. */
    private final Queue<ConfirmTracker> inFlight = new ConcurrentLinkedQueue<>();

    public ConfirmingPublisher(RabbitConnector connector, boolean mandatory, Duration confirmTimeout) {
        this.connector = connector;
        this.mandatory = mandatory;
        this.confirmTimeout = confirmTimeout;
    }

    /** A message that cannot be built (malformed envelope fields) is reported, not published. */
    public static final class MalformedRowException extends Exception {
        public MalformedRowException(String message) {
            super(message);
        }
    }

    /** The AMQP properties of the wire contract (CONVENTIONS.md), published-at = now. */
    public static AMQP.BasicProperties propertiesOf(OutboxRow row, long publishedAtMillis) throws MalformedRowException {
        return propertiesOf(row, publishedAtMillis, PublishTracing.RowTrace.NONE);
    }

    /** {@link #propertiesOf(OutboxRow, long)} plus the row's trace headers (traceparent, tracestate). */
    public static AMQP.BasicProperties propertiesOf(OutboxRow row, long publishedAtMillis, PublishTracing.RowTrace trace)
            throws MalformedRowException {
        EnvelopeFields fields = EnvelopeFields.of(row);
        Map<String, Object> headers = new HashMap<>();
        if (row.correlationId() != null) {
            headers.put(Routing.Headers.CORRELATION_ID, row.correlationId());
        }
        if (fields.causationId() != null) {
            headers.put(Routing.Headers.CAUSATION_ID, fields.causationId());
        }
        headers.put(Routing.Headers.AGGREGATE_ID, row.aggregateId());
        headers.put(Routing.Headers.AGGREGATE_VERSION, row.aggregateVersion());
        headers.put(Routing.Headers.EVENT_TYPE, row.eventType());
        headers.put(Routing.Headers.SCHEMA_VERSION, fields.schemaVersion());
        headers.put(Routing.Headers.OCCURRED_AT, fields.occurredAtMillis());
        headers.put(Routing.Headers.PUBLISHED_AT, publishedAtMillis);
        trace.addHeaders(headers);
        return new AMQP.BasicProperties.Builder()
                .contentType(Routing.CONTENT_TYPE)
                .deliveryMode(2)
                .messageId(row.eventId().toString())
                .correlationId(row.correlationId())
                .type(row.eventType())
                .timestamp(new Date(publishedAtMillis))
                .appId("outbox-worker")
                .headers(headers)
                .build();
    }

    /** A batch sent on the channel whose confirms are still to be awaited. */
    public static final class Sent {
        private final ConfirmTracker tracker;
        private final Channel channel;

        private Sent(ConfirmTracker tracker, Channel channel) {
            this.tracker = tracker;
            this.channel = channel;
        }
    }

    /**
     * Publishes the messages in order and returns one outcome per message. Throws when nothing
     * could be published because the broker is unreachable.
     */
    public List<PublishOutcome> publish(List<OutboxRow> rows, List<AMQP.BasicProperties> properties)
            throws BrokerUnavailableException, InterruptedException {
        return await(send(rows, properties));
    }

    /**
     * Publishes the messages in order without waiting for their confirms, so the caller can prepare
     * the next batch meanwhile; {@link #await} collects the verdicts. Batches sent on the same channel
     * reach the broker in the order they were sent. Throws when nothing could be published.
     */
    public Sent send(List<OutboxRow> rows, List<AMQP.BasicProperties> properties) throws BrokerUnavailableException {
        Channel current = channel();
        ConfirmTracker batch = new ConfirmTracker(current.getNextPublishSeqNo(), rows.size());
        inFlight.add(batch);
        Sent sent = new Sent(batch, current);
        try {
            for (int i = 0; i < rows.size(); i++) {
                OutboxRow row = rows.get(i);
                if (mandatory) { // only a basic.return needs to find its message by id
                    batch.indexByMessageId.put(row.eventId().toString(), i);
                }
                current.basicPublish(connector.exchange(), row.routingKey(), mandatory, properties.get(i),
                        row.envelope());
            }
        } catch (IOException | AlreadyClosedException e) {
            boolean nothingSent = batch.resolvedCount() == 0 && inFlight.size() == 1;
            reset("connection lost while publishing: " + RabbitConnector.describe(e));
            if (nothingSent) {
                throw new BrokerUnavailableException("publish failed: " + RabbitConnector.describe(e), e);
            }
        }
        return sent;
    }

    /**
     * Waits for the verdicts of a sent batch, until the broker has confirmed nothing on the channel for the confirm
     * timeout; one outcome per message.
     */
    public List<PublishOutcome> await(Sent sent) throws InterruptedException {
        ConfirmTracker batch = sent.tracker;
        boolean complete = batch.await(confirmTimeout.toMillis());
        if (!complete) {
            if (sent.channel.isOpen()) {
                batch.timeOut("no publisher confirm within " + confirmTimeout.toMillis() + " ms");
            } else {
                batch.abort("connection lost before the confirm");
            }
            // Late confirms must not be mistaken for a later batch's: start afresh. A batch sent after
            // this one on the same channel is aborted with it (left pending, no attempt counted).
            reset("channel reset after a confirm timeout of an earlier batch");
        } else if (batch.connectionLost()) {
            reset("connection lost");
        }
        inFlight.remove(batch);
        return batch.outcomes();
    }

    private Channel channel() throws BrokerUnavailableException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        reset("channel closed");
        Channel fresh = connector.openConfirmChannel();
        fresh.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long deliveryTag, boolean multiple) {
                for (ConfirmTracker batch : inFlight) {
                    batch.resolve(deliveryTag, multiple, null);
                }
            }

            @Override
            public void handleNack(long deliveryTag, boolean multiple) {
                for (ConfirmTracker batch : inFlight) {
                    batch.resolve(deliveryTag, multiple, "broker refused the message (basic.nack)");
                }
            }
        });
        fresh.addReturnListener((ReturnListener) (replyCode, replyText, exchange, routingKey, properties, body) -> {
            for (ConfirmTracker batch : inFlight) {
                batch.returned(properties.getMessageId(),
                        "unroutable (basic.return " + replyCode + " " + replyText + ", routing key " + routingKey + ")");
            }
        });
        fresh.addShutdownListener((ShutdownSignalException cause) -> {
            for (ConfirmTracker batch : inFlight) {
                batch.abort("channel closed: " + cause.getMessage());
            }
        });
        channel = fresh;
        return fresh;
    }

    /** Drops the channel; batches still in flight on it lose their unresolved verdicts (an outage). */
    private void reset(String reason) {
        Channel old = channel;
        channel = null;
        ConfirmTracker batch;
        while ((batch = inFlight.poll()) != null) {
            batch.abort(reason);
        }
        if (old != null && old.isOpen()) {
            try {
                old.abort();
            } catch (IOException | RuntimeException ignored) {
                // best effort
            }
        }
    }

    @Override
    public void close() {
        reset("publisher closed");
    }
}
