package com.waitingroom.outbox.domain;

import java.time.Instant;
import java.util.UUID;

/** One claimed outbox row, with the envelope fields the AMQP headers need. */
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
        Instant createdAt) {
}
