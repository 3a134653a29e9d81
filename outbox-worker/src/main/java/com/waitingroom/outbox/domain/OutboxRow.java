package com.waitingroom.outbox.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * One claimed outbox row: the stored envelope bytes, the envelope fields the AMQP headers need and its trace
 * context. {@code schemaVersion} and {@code occurredAtMillis} are null on a row written before V24 (or by an older
 * api-service): those fields are then read from the envelope itself.
 */
public record OutboxRow(
        long id,
        UUID eventId,
        String aggregateId,
        long aggregateVersion,
        String eventType,
        String routingKey,
        String correlationId,
        String causationId,
        Integer schemaVersion,
        Long occurredAtMillis,
        byte[] envelope,
        int attempts,
        Instant createdAt,
        /* W3C trace context stored by the writer; null for rows written without one. */
        String traceparent,
        String tracestate) {

    /** Whether the writer filled the header fields' columns (api-service since V24). */
    public boolean hasHeaderColumns() {
        return schemaVersion != null && occurredAtMillis != null;
    }
}
