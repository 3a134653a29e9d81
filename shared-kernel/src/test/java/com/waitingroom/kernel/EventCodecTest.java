package com.waitingroom.kernel;

import com.waitingroom.kernel.events.PatientAttentionCompleted;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.kernel.events.WaitingQueueCreated;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    private final EventCodec codec = EventCodec.standard();
    private final Instant now = Instant.parse("2026-11-23T09:30:00.123456Z");

    @Test
    void envelopeAndPayloadSurviveARoundTrip() {
        PatientCheckedIn checkedIn = new PatientCheckedIn("Q-1", "P-7", "Ana", Priority.HIGH, Priority.LOW,
                "General", "fever", 70, false, 3, 7L, 2, "042");
        UUID eventId = UUID.randomUUID();
        EventEnvelope envelope = codec.wrap(checkedIn, eventId, 4, now, "corr-1", "cause-1", "nurse-2");

        EventEnvelope decoded = codec.decode(codec.encode(envelope));

        // Equal as values, Long fields included (see CanonicalNumberNodes).
        assertEquals(envelope, decoded);
        assertEquals("PatientCheckedIn", decoded.eventType());
        assertEquals("Q-1", decoded.aggregateId());
        assertEquals(AggregateTypes.WAITING_QUEUE, decoded.aggregateType());
        assertEquals(now, decoded.occurredAt());
        assertEquals(checkedIn, codec.payloadOf(decoded));
        assertEquals(checkedIn, codec.payloadOf(decoded, PatientCheckedIn.class));
    }

    @Test
    void actorAndActorRoleSurviveARoundTripAndARoleIsOptional() {
        PatientCheckedIn checkedIn = new PatientCheckedIn("Q-1", "P-7", "Ana", Priority.HIGH, Priority.LOW,
                "General", null, null, false, 1, 1L, 1);
        EventEnvelope withRole = codec.wrap(checkedIn, UUID.randomUUID(), 1, now, null, null, "f1d2-sub", "receptionist");
        EventEnvelope decoded = codec.decode(codec.encode(withRole));
        assertEquals("f1d2-sub", decoded.actor());
        assertEquals("receptionist", decoded.actorRole());

        EventEnvelope withoutRole = codec.wrap(checkedIn, UUID.randomUUID(), 1, now, null, null, "anonymous");
        assertTrue(!codec.encodeToString(withoutRole).contains("actorRole"));
        assertEquals(null, codec.decode(codec.encode(withoutRole)).actorRole());
    }

    @Test
    void longFieldsSurviveARoundTripAsEqualValuesSmallOrLarge() {
        for (long sequence : new long[]{1L, 5_000_000_000L}) {
            PatientCheckedIn checkedIn = new PatientCheckedIn("Q-1", "P-7", "Ana", Priority.HIGH, Priority.HIGH,
                    "General", null, null, false, 1, sequence, 1);
            EventEnvelope envelope = codec.wrap(checkedIn, UUID.randomUUID(), 1, now, null, null, null);
            EventEnvelope decoded = codec.decode(codec.encode(envelope));
            assertEquals(envelope, decoded);
            assertEquals(checkedIn, codec.payloadOf(decoded));
        }
    }

    @Test
    void everyRegisteredTypeIsNamedAfterItsClassAndHasAVersion() {
        for (EventTypeRegistry.Registration registration : EventTypeRegistry.standard().all()) {
            assertEquals(registration.payloadClass().getSimpleName(), registration.eventType());
            assertTrue(registration.schemaVersion() >= 1);
            assertEquals(registration, EventTypeRegistry.standard().require(registration.eventType()));
        }
        assertEquals(16, EventTypeRegistry.standard().all().size());
    }

    @Test
    void priorityTravelsAsItsDisplayName() {
        String json = codec.encodePayload(new PatientCheckedIn("Q", "P", "N", Priority.URGENT, Priority.URGENT,
                "General", null, null, false, 1, 1L, 1));
        assertTrue(json.contains("\"priority\":\"Urgent\""), json);
        assertTrue(!json.contains("notes"), "nulls are not written: " + json);
    }

    @Test
    void unknownEventTypeGivesAClearError() {
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID(), "Q", AggregateTypes.WAITING_QUEUE, 1,
                "PatientTeleported", 1, now, null, null, null,
                codec.payloadToJson(new WaitingQueueCreated("Q", "Q", 10)));

        UnknownEventTypeException error = assertThrows(UnknownEventTypeException.class,
                () -> codec.payloadOf(envelope));
        assertEquals("PatientTeleported", error.eventType());
        assertTrue(error.getMessage().contains("unknown event type 'PatientTeleported'"), error.getMessage());
        assertTrue(error.getMessage().contains("PatientCheckedIn"), "lists the known types");
    }

    @Test
    void malformedEnvelopesAreDecodingErrorsNamingTheDefect() {
        assertMessage("not valid JSON", "{not json");
        assertMessage("must be a JSON object", "[1,2]");
        assertMessage("missing 'eventId'", "{}");
        String valid = codec.encodeToString(codec.wrap(new WaitingQueueCreated("Q", "Q", 10),
                UUID.randomUUID(), 1, now, null, null, null));
        assertMessage("'version' must be an integer", valid.replace("\"version\":1", "\"version\":\"one\""));
        assertMessage("version must be >= 1", valid.replace("\"version\":1", "\"version\":0"));
        assertMessage("invalid event envelope", valid.replaceFirst("\"eventId\":\"[^\"]+\"", "\"eventId\":\"nope\""));
    }

    @Test
    void payloadNotMatchingItsSchemaIsADecodingError() {
        String valid = codec.encodeToString(codec.wrap(new WaitingQueueCreated("Q", "Q", 10),
                UUID.randomUUID(), 1, now, null, null, null));
        EventEnvelope broken = codec.decode(valid.replace("\"maxCapacity\":10", "\"maxCapacity\":\"lots\""));
        EventDecodingException error = assertThrows(EventDecodingException.class, () -> codec.payloadOf(broken));
        assertTrue(error.getMessage().contains("does not match its schema"), error.getMessage());
    }

    @Test
    void additivePayloadFieldsAreTolerated() {
        EventEnvelope envelope = codec.wrap(new PatientAttentionCompleted("Q", "P", "R1", "discharged", null),
                UUID.randomUUID(), 9, now, null, null, null);
        String withNewField = codec.encodeToString(envelope).replace("\"outcome\"", "\"followUp\":true,\"outcome\"");
        assertEquals(codec.payloadOf(envelope), codec.payloadOf(codec.decode(withNewField)));
    }

    @Test
    void priorityParsesCaseInsensitively() {
        assertEquals(Priority.URGENT, Priority.parse(" uRgEnt ").orElseThrow());
        assertEquals(4, Priority.URGENT.level());
        assertTrue(Priority.parse("critical").isEmpty());
        assertTrue(Priority.parse(null).isEmpty());
    }

    private void assertMessage(String expected, String json) {
        EventDecodingException error = assertThrows(EventDecodingException.class,
                () -> codec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(error.getMessage().contains(expected), "expected '" + expected + "' in: " + error.getMessage());
    }
}
