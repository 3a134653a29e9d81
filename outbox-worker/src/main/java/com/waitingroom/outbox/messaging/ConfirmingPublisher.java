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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes a batch on one confirm-mode channel and waits for the broker's per-message verdict
 * (ack, nack, return) within a timeout. Not thread-safe: each relay worker owns one.
 */
public final class ConfirmingPublisher implements AutoCloseable {

    private final RabbitConnector connector;
    private final boolean mandatory;
    private final Duration confirmTimeout;
    private Channel channel;
    private volatile BatchTracker tracker;

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
        long occurredAtMillis;
        int schemaVersion;
        try {
            occurredAtMillis = Instant.parse(row.occurredAt()).toEpochMilli();
            schemaVersion = Integer.parseInt(row.schemaVersion());
        } catch (DateTimeParseException | NumberFormatException | NullPointerException e) {
            throw new MalformedRowException("malformed envelope (occurredAt/schemaVersion): " + e.getMessage());
        }
        Map<String, Object> headers = new HashMap<>();
        if (row.correlationId() != null) {
            headers.put(Routing.Headers.CORRELATION_ID, row.correlationId());
        }
        if (row.causationId() != null) {
            headers.put(Routing.Headers.CAUSATION_ID, row.causationId());
        }
        headers.put(Routing.Headers.AGGREGATE_ID, row.aggregateId());
        headers.put(Routing.Headers.AGGREGATE_VERSION, row.aggregateVersion());
        headers.put(Routing.Headers.EVENT_TYPE, row.eventType());
        headers.put(Routing.Headers.SCHEMA_VERSION, schemaVersion);
        headers.put(Routing.Headers.OCCURRED_AT, occurredAtMillis);
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

    /**
     * Publishes the messages in order and returns one outcome per message. Throws when nothing
     * could be published because the broker is unreachable.
     */
    public List<PublishOutcome> publish(List<OutboxRow> rows, List<AMQP.BasicProperties> properties)
            throws BrokerUnavailableException, InterruptedException {
        Channel current = channel();
        BatchTracker batch = new BatchTracker(current.getNextPublishSeqNo(), rows.size());
        tracker = batch;
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
            reset();
            if (batch.resolvedCount() == 0) {
                throw new BrokerUnavailableException("publish failed: " + RabbitConnector.describe(e), e);
            }
            batch.abort("connection lost while publishing: " + RabbitConnector.describe(e));
            return batch.outcomes();
        }
        boolean complete = batch.await(confirmTimeout.toMillis());
        if (!complete) {
            if (current.isOpen()) {
                batch.timeOut("no publisher confirm within " + confirmTimeout.toMillis() + " ms");
            } else {
                batch.abort("connection lost before the confirm");
            }
            // Late confirms of this batch must not be mistaken for the next one's: start afresh.
            reset();
        } else if (batch.connectionLost()) {
            reset();
        }
        return batch.outcomes();
    }

    private Channel channel() throws BrokerUnavailableException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        reset();
        Channel fresh = connector.openConfirmChannel();
        fresh.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long deliveryTag, boolean multiple) {
                BatchTracker current = tracker;
                if (current != null) {
                    current.resolve(deliveryTag, multiple, null);
                }
            }

            @Override
            public void handleNack(long deliveryTag, boolean multiple) {
                BatchTracker current = tracker;
                if (current != null) {
                    current.resolve(deliveryTag, multiple, "broker refused the message (basic.nack)");
                }
            }
        });
        fresh.addReturnListener((ReturnListener) (replyCode, replyText, exchange, routingKey, properties, body) -> {
            BatchTracker current = tracker;
            if (current != null) {
                current.returned(properties.getMessageId(),
                        "unroutable (basic.return " + replyCode + " " + replyText + ", routing key " + routingKey + ")");
            }
        });
        fresh.addShutdownListener((ShutdownSignalException cause) -> {
            BatchTracker current = tracker;
            if (current != null) {
                current.abort("channel closed: " + cause.getMessage());
            }
        });
        channel = fresh;
        return fresh;
    }

    private void reset() {
        Channel old = channel;
        channel = null;
        tracker = null;
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
        reset();
    }

    /** Per-batch confirm bookkeeping; sequence numbers map to positions by offset. */
    static final class BatchTracker {
        private final long firstSeq;
        private final PublishOutcome[] outcomes;
        private final String[] returnReasons;
        final Map<String, Integer> indexByMessageId = new java.util.concurrent.ConcurrentHashMap<>();
        private int resolved;
        private boolean connectionLost;

        BatchTracker(long firstSeq, int size) {
            this.firstSeq = firstSeq;
            this.outcomes = new PublishOutcome[size];
            this.returnReasons = new String[size];
        }

        synchronized void returned(String messageId, String reason) {
            Integer index = messageId == null ? null : indexByMessageId.get(messageId);
            if (index != null) {
                returnReasons[index] = reason;
            }
        }

        synchronized void resolve(long tag, boolean multiple, String nackReason) {
            long from = multiple ? firstSeq : tag;
            for (long seq = Math.max(from, firstSeq); seq <= tag; seq++) {
                int index = (int) (seq - firstSeq);
                if (index >= outcomes.length) {
                    break;
                }
                if (outcomes[index] == null) {
                    if (nackReason != null) {
                        outcomes[index] = new PublishOutcome(PublishOutcome.Status.REFUSED, nackReason);
                    } else if (returnReasons[index] != null) {
                        outcomes[index] = new PublishOutcome(PublishOutcome.Status.REFUSED, returnReasons[index]);
                    } else {
                        outcomes[index] = PublishOutcome.CONFIRMED;
                    }
                    resolved++;
                }
            }
            if (resolved == outcomes.length) {
                notifyAll();
            }
        }

        synchronized void abort(String reason) {
            connectionLost = true;
            fillUnresolved(new PublishOutcome(PublishOutcome.Status.CONNECTION_LOST, reason));
        }

        synchronized void timeOut(String reason) {
            fillUnresolved(new PublishOutcome(PublishOutcome.Status.TIMED_OUT, reason));
        }

        private void fillUnresolved(PublishOutcome outcome) {
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] == null) {
                    outcomes[i] = outcome;
                    resolved++;
                }
            }
            notifyAll();
        }

        synchronized int resolvedCount() {
            return resolved;
        }

        synchronized boolean connectionLost() {
            return connectionLost;
        }

        synchronized boolean await(long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (resolved < outcomes.length) {
                long remaining = (deadline - System.nanoTime()) / 1_000_000L;
                if (remaining <= 0) {
                    return false;
                }
                wait(remaining);
            }
            return true;
        }

        synchronized List<PublishOutcome> outcomes() {
            return new ArrayList<>(List.of(outcomes));
        }
    }
}
