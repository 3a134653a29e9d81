package com.waitingroom.outbox.messaging;

import com.rabbitmq.client.AMQP;
import com.waitingroom.kernel.Routing;
import com.waitingroom.outbox.domain.OutboxRow;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a message's envelope headers come from: the row's columns, else (rows before V24) its envelope. */
class EnvelopeFieldsTest {

    private static final long OCCURRED = Instant.parse("2026-12-01T10:00:00.123Z").toEpochMilli();

    @Test
    void takesTheColumnsWithoutReadingTheEnvelope() throws Exception {
        OutboxRow row = row("cause-1", 2, OCCURRED, "not JSON at all");
        AMQP.BasicProperties properties = ConfirmingPublisher.propertiesOf(row, OCCURRED + 5);
        assertEquals("cause-1", properties.getHeaders().get(Routing.Headers.CAUSATION_ID));
        assertEquals(2, properties.getHeaders().get(Routing.Headers.SCHEMA_VERSION));
        assertEquals(OCCURRED, properties.getHeaders().get(Routing.Headers.OCCURRED_AT));
    }

    @Test
    void anEventWithoutCausationHasNoCausationHeader() throws Exception {
        AMQP.BasicProperties properties = ConfirmingPublisher.propertiesOf(row(null, 1, OCCURRED, "{}"), OCCURRED);
        assertFalse(properties.getHeaders().containsKey(Routing.Headers.CAUSATION_ID));
    }

    @Test
    void readsTheFieldsOfARowWithoutColumnsFromItsEnvelope() throws Exception {
        String envelope = """
                {"eventId":"e1","payload":{"schemaVersion":9,"occurredAt":"1999-01-01T00:00:00Z","causationId":"inner"},
                 "causationId":"cause-7","schemaVersion":"3","occurredAt":"2026-12-01T10:00:00.123999Z","tags":[1,{"a":2}]}""";
        EnvelopeFields fields = EnvelopeFields.of(row(null, null, null, envelope));
        assertEquals(new EnvelopeFields("cause-7", 3, OCCURRED), fields, "top-level fields only, millis rounded down");
    }

    @Test
    void aRowWithoutColumnsWhoseEnvelopeCannotBeReadIsMalformedNeverAnException() {
        for (String envelope : List.of("", "not json", "[1,2]", "{\"schemaVersion\":1", "{\"occurredAt\":\"x\"}",
                "{\"schemaVersion\":null,\"occurredAt\":\"2026-12-01T10:00:00Z\"}",
                "{\"schemaVersion\":1.5,\"occurredAt\":\"2026-12-01T10:00:00Z\"}",
                "{\"schemaVersion\":\"two\",\"occurredAt\":\"2026-12-01T10:00:00Z\"}",
                "{\"schemaVersion\":{\"v\":1},\"occurredAt\":\"2026-12-01T10:00:00Z\"}",
                "{\"schemaVersion\":1,\"occurredAt\":\"2026-13-01T10:00:00Z\"}",
                "{\"schemaVersion\":1,\"occurredAt\":12345}")) {
            ConfirmingPublisher.MalformedRowException e = assertThrows(ConfirmingPublisher.MalformedRowException.class,
                    () -> EnvelopeFields.of(row(null, null, null, envelope)), envelope);
            assertTrue(e.getMessage().startsWith("malformed envelope"), e.getMessage());
        }
    }

    private static OutboxRow row(String causationId, Integer schemaVersion, Long occurredAtMillis, String envelope) {
        return new OutboxRow(1, UUID.randomUUID(), "Q-1", 1, "PatientCheckedIn", "PatientCheckedIn", "corr",
                causationId, schemaVersion, occurredAtMillis, envelope.getBytes(StandardCharsets.UTF_8), 0,
                Instant.now(), null, null);
    }
}
