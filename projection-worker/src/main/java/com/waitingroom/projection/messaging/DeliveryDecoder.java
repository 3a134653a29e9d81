package com.waitingroom.projection.messaging;

import com.rabbitmq.client.Delivery;
import com.waitingroom.kernel.AggregateTypes;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventDecodingException;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Routing;
import com.waitingroom.projection.store.IncomingEvent;

import java.time.Instant;
import java.util.Map;

/**
 * Turns a delivery into an event to apply, per the wire contract: the envelope from the body (a
 * waiting-queue event of a known type, else {@link EventDecodingException}), occurred-at and
 * published-at from the relay's headers (falling back to the envelope and the message timestamp).
 */
final class DeliveryDecoder {

    private final EventCodec codec = EventCodec.standard();

    IncomingEvent decode(Delivery delivery) {
        EventEnvelope envelope = codec.decode(delivery.getBody());
        if (!AggregateTypes.WAITING_QUEUE.equals(envelope.aggregateType())) {
            throw new EventDecodingException("unsupported aggregate type '" + envelope.aggregateType() + "'");
        }
        DomainEvent payload = codec.payloadOf(envelope);
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        Instant publishedAt = epochMillisHeader(headers, Routing.Headers.PUBLISHED_AT);
        if (publishedAt == null && delivery.getProperties().getTimestamp() != null) {
            publishedAt = delivery.getProperties().getTimestamp().toInstant();
        }
        Instant occurredAt = epochMillisHeader(headers, Routing.Headers.OCCURRED_AT);
        return new IncomingEvent(envelope, payload, occurredAt == null ? envelope.occurredAt() : occurredAt, publishedAt);
    }

    static Instant epochMillisHeader(Map<String, Object> headers, String name) {
        Object value = headers == null ? null : headers.get(name);
        if (value instanceof Number number) {
            return Instant.ofEpochMilli(number.longValue());
        }
        if (value != null) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(value.toString()));
            } catch (NumberFormatException ignored) {
                return null;
            }
        }
        return null;
    }
}
