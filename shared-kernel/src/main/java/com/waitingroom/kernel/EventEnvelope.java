package com.waitingroom.kernel;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The unit every service exchanges: stored in the event store, copied into the outbox,
 * published to RabbitMQ and applied by projections. The payload stays raw JSON here so that
 * a consumer can route, dedupe and dead-letter an event even when it does not know its type.
 *
 * <p>{@code actor} is who caused the event: the subject ({@code sub}) of the bearer token the command
 * came with, and {@code actorRole} the role under which it was allowed (absent in events recorded
 * before access control, whose actor was a free header).
 */
public record EventEnvelope(
        UUID eventId,
        String aggregateId,
        String aggregateType,
        long version,
        String eventType,
        int schemaVersion,
        Instant occurredAt,
        String correlationId,
        String causationId,
        String actor,
        String actorRole,
        JsonNode payload) {

    /** An envelope without an actor role (events recorded before access control, tests). */
    public EventEnvelope(UUID eventId, String aggregateId, String aggregateType, long version, String eventType,
                         int schemaVersion, Instant occurredAt, String correlationId, String causationId,
                         String actor, JsonNode payload) {
        this(eventId, aggregateId, aggregateType, version, eventType, schemaVersion, occurredAt, correlationId,
                causationId, actor, null, payload);
    }

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        requireText(aggregateId, "aggregateId");
        requireText(aggregateType, "aggregateType");
        requireText(eventType, "eventType");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, was " + version);
        }
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be >= 1, was " + schemaVersion);
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
