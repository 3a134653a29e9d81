package com.waitingroom.kernel;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * JSON encoding of envelopes and payloads. Thread-safe. Payload decoding is a tolerant reader
 * (unknown payload fields are ignored) so an older consumer survives an additive schema change;
 * envelope fields are validated strictly.
 */
public final class EventCodec {

    private static final EventCodec STANDARD = new EventCodec(EventTypeRegistry.standard());

    private final EventTypeRegistry registry;
    private final ObjectMapper mapper;

    public EventCodec(EventTypeRegistry registry) {
        this.registry = registry;
        this.mapper = newObjectMapper();
    }

    public static EventCodec standard() {
        return STANDARD;
    }

    /** The mapper settings every service uses for events: ISO-8601 instants, no nulls written. */
    public static ObjectMapper newObjectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .setNodeFactory(new CanonicalNumberNodes());
    }

    public EventTypeRegistry registry() {
        return registry;
    }

    /** Wraps a typed payload in an envelope for the waiting-queue aggregate. */
    public EventEnvelope wrap(DomainEvent event, UUID eventId, long version, Instant occurredAt,
                              String correlationId, String causationId, String actor) {
        return wrap(event, eventId, version, occurredAt, correlationId, causationId, actor, null);
    }

    /** As above, with the role under which the actor was allowed to issue the command. */
    public EventEnvelope wrap(DomainEvent event, UUID eventId, long version, Instant occurredAt,
                              String correlationId, String causationId, String actor, String actorRole) {
        EventTypeRegistry.Registration registration = registry.require(event.getClass());
        return new EventEnvelope(eventId, event.queueId(), AggregateTypes.WAITING_QUEUE, version,
                registration.eventType(), registration.schemaVersion(), occurredAt,
                correlationId, causationId, actor, actorRole, mapper.valueToTree(event));
    }

    /** Decodes the typed payload; throws {@link UnknownEventTypeException} for an unregistered type. */
    public DomainEvent payloadOf(EventEnvelope envelope) {
        EventTypeRegistry.Registration registration = registry.require(envelope.eventType());
        try {
            return mapper.treeToValue(envelope.payload(), registration.payloadClass());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventDecodingException("payload of " + envelope.eventType() + " " + envelope.eventId()
                    + " does not match its schema: " + e.getMessage(), e);
        }
    }

    public <E extends DomainEvent> E payloadOf(EventEnvelope envelope, Class<E> type) {
        DomainEvent payload = payloadOf(envelope);
        if (!type.isInstance(payload)) {
            throw new EventDecodingException("event " + envelope.eventId() + " is a " + envelope.eventType()
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(payload);
    }

    public JsonNode payloadToJson(DomainEvent event) {
        return mapper.valueToTree(event);
    }

    public String encodePayload(DomainEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.getClass().getSimpleName(), e);
        }
    }

    public byte[] encode(EventEnvelope envelope) {
        try {
            return mapper.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode envelope " + envelope.eventId(), e);
        }
    }

    public String encodeToString(EventEnvelope envelope) {
        return new String(encode(envelope), StandardCharsets.UTF_8);
    }

    public EventEnvelope decode(String json) {
        return decode(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes an envelope; any defect (bad JSON, missing or invalid field) is an {@link EventDecodingException}. */
    public EventEnvelope decode(byte[] json) {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new EventDecodingException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new EventDecodingException("unreadable event: " + e.getMessage(), e);
        }
        return decode(tree);
    }

    public EventEnvelope decode(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new EventDecodingException("an event envelope must be a JSON object");
        }
        ObjectNode node = (ObjectNode) tree;
        try {
            return new EventEnvelope(
                    UUID.fromString(requiredText(node, "eventId")),
                    requiredText(node, "aggregateId"),
                    requiredText(node, "aggregateType"),
                    requiredLong(node, "version"),
                    requiredText(node, "eventType"),
                    (int) requiredLong(node, "schemaVersion"),
                    Instant.parse(requiredText(node, "occurredAt")),
                    optionalText(node, "correlationId"),
                    optionalText(node, "causationId"),
                    optionalText(node, "actor"),
                    optionalText(node, "actorRole"),
                    required(node, "payload"));
        } catch (EventDecodingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EventDecodingException("invalid event envelope: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new EventDecodingException("event envelope is missing '" + field + "'");
        }
        return value;
    }

    private static String requiredText(ObjectNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isTextual()) {
            throw new EventDecodingException("event envelope field '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static long requiredLong(ObjectNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new EventDecodingException("event envelope field '" + field + "' must be an integer");
        }
        return value.asLong();
    }

    private static String optionalText(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
