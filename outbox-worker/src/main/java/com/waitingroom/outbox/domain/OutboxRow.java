package com.waitingroom.outbox.domain;

import java.time.Instant;
import java.util.UUID;

/** One claimed outbox row, with the envelope fields the AMQP headers need and its trace context. */
public record OutboxRow(
        long id,
        UUID eventId,
        String aggregateId,
        long aggregateVersion,
        String eventType,
        String routingKey,
        String correlationId,
        String causationId,
        String schemaVersion,
        String occurredAt,
        byte[] envelope,
        int attempts,
        Instant createdAt,
        /* W3C trace context stored by the writer; null for rows written without one. */
        String traceparent,
        String tracestate) {

    /** A row without trace context. */
    public OutboxRow(long id, UUID eventId, String aggregateId, long aggregateVersion, String eventType,
                     String routingKey, String correlationId, String causationId, String schemaVersion,
                     String occurredAt, byte[] envelope, int attempts, Instant createdAt) {
        this(id, eventId, aggregateId, aggregateVersion, eventType, routingKey, correlationId, causationId,
                schemaVersion, occurredAt, envelope, attempts, createdAt, null, null);
    }
}
