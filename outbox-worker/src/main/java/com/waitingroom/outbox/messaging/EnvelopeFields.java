package com.waitingroom.outbox.messaging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.waitingroom.outbox.domain.OutboxRow;

import java.io.IOException;
import java.time.Instant;

/**
 * The envelope fields a message's AMQP headers carry: from the row's columns, or, for a row written before V24
 * (or by an older api-service) whose columns are empty, read from the stored envelope.
 */
record EnvelopeFields(String causationId, int schemaVersion, long occurredAtMillis) {

    private static final JsonFactory JSON = new JsonFactory();

    static EnvelopeFields of(OutboxRow row) throws ConfirmingPublisher.MalformedRowException {
        if (row.hasHeaderColumns()) {
            return new EnvelopeFields(row.causationId(), row.schemaVersion(), row.occurredAtMillis());
        }
        try {
            return fromEnvelope(row.envelope());
        } catch (IOException | RuntimeException e) { // whatever the stored text holds, the row is reported, not thrown
            throw new ConfirmingPublisher.MalformedRowException(
                    "malformed envelope (occurredAt/schemaVersion): " + e.getMessage());
        }
    }

    /** The top-level causationId, schemaVersion and occurredAt of an envelope (nested values are skipped). */
    private static EnvelopeFields fromEnvelope(byte[] envelope) throws IOException {
        String causationId = null;
        Integer schemaVersion = null;
        Instant occurredAt = null;
        try (JsonParser parser = JSON.createParser(envelope)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "causationId" -> causationId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "schemaVersion" -> schemaVersion = switch (value) {
                        case VALUE_NUMBER_INT -> parser.getIntValue();
                        case VALUE_STRING -> Integer.valueOf(parser.getText());
                        default -> null;
                    };
                    case "occurredAt" -> occurredAt = value == JsonToken.VALUE_STRING ? Instant.parse(parser.getText())
                            : null;
                    default -> { }
                }
                parser.skipChildren(); // an object or array value, wherever it is, is passed over whole
            }
        }
        if (schemaVersion == null || occurredAt == null) {
            throw new IOException("no integer schemaVersion or no occurredAt");
        }
        return new EnvelopeFields(causationId, schemaVersion, occurredAt.toEpochMilli());
    }
}
