package com.waitingroom.projection.store;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventEnvelope;

import java.time.Instant;

/**
 * A decoded event ready to apply. occurredAt and publishedAt come from the relay's message headers
 * (occurredAt falls back to the envelope; publishedAt is null when the event was read from the store).
 */
public record IncomingEvent(EventEnvelope envelope, DomainEvent payload, Instant occurredAt, Instant publishedAt) {

    public IncomingEvent(EventEnvelope envelope, DomainEvent payload, Instant publishedAt) {
        this(envelope, payload, envelope.occurredAt(), publishedAt);
    }

    public String aggregateId() {
        return envelope.aggregateId();
    }

    public long version() {
        return envelope.version();
    }
}
