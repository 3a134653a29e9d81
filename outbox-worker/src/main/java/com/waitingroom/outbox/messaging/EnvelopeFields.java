package com.waitingroom.outbox.messaging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.waitingroom.outbox.domain.OutboxRow;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The envelope fields a message's AMQP headers carry: from the row's columns, or, for a row written before V24
 * (or by an older api-service) whose columns are empty, read from the stored envelope.
 */
record EnvelopeFields(String causationId, int schemaVersion, long occurredAtMillis) {

    private static final JsonFactory JSON = new JsonFactory();

    static EnvelopeFields of(OutboxRow row) throws ConfirmingPublisher.MalformedRowException {
        if (row.hasHeaderFields()) {
            return new EnvelopeFields(row.causationId(), row.schemaVersion(), row.occurredAtMillis());
        }
        try {
            return fromEnvelope(row.envelope());
        } catch (IOException | DateTimeParseException | IllegalStateException | NumberFormatException e) {
            throw new ConfirmingPublisher.MalformedRowException(
                    "malformed envelope (occurredAt/schemaVersion): " + e.getMessage());
        }
    }

    /** The top-level causationId, schemaVersion and occurredAt of an envelope (the payload is skipped). */
    private static EnvelopeFields fromEnvelope(byte[] envelope) throws IOException {
        String causationId = null;
        Integer schemaVersion = null;
        String occurredAt = null;
        try (JsonParser parser = JSON.createParser(envelope)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "causationId" -> causationId = value == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                    case "schemaVersion" -> schemaVersion = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue()
                            : value == JsonToken.VALUE_STRING ? Integer.parseInt(parser.getText()) : null;
                    case "occurredAt" -> occurredAt = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    default -> parser.skipChildren();
                }
            }
        }
        if (schemaVersion == null || occurredAt == null) {
            throw new IllegalStateException("no integer schemaVersion or no occurredAt");
        }
        return new EnvelopeFields(causationId, schemaVersion, Instant.parse(occurredAt).toEpochMilli());
    }
}
