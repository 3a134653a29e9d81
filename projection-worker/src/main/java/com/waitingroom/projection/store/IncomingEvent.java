package com.waitingroom.projection.store;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventEnvelope;

import java.time.Instant;

/** A decoded event ready to apply; publishedAt is the relay's header (null when read from the store). */
public record IncomingEvent(EventEnvelope envelope, DomainEvent payload, Instant publishedAt) {

    public String aggregateId() {
        return envelope.aggregateId();
    }

    public long version() {
        return envelope.version();
    }
}
