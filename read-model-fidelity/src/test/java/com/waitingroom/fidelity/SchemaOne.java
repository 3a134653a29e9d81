package com.waitingroom.fidelity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.events.PatientCalledAtCashier;

import java.util.Set;

/**
 * Turns a schema-2 envelope into what the suite stored before schema 2: no line sequence, no visit,
 * and a cashier call without a desk when it went to the default desk (there was only that one).
 * Event types that did not exist then (PatientLeft) pass unchanged.
 */
final class SchemaOne {

    private static final Set<String> CHANGED = Set.of("PatientCheckedIn", "PatientPaymentValidated",
            "PatientAbsentAtCashier", "PatientAbsentAtConsultation", "PatientCalledAtCashier");

    private SchemaOne() {
    }

    static EventEnvelope downgrade(EventEnvelope envelope, EventCodec codec) {
        if (!CHANGED.contains(envelope.eventType())) {
            return envelope;
        }
        ObjectNode payload = envelope.payload().deepCopy();
        payload.remove("lineSequence");
        payload.remove("visit");
        if (PatientCalledAtCashier.DEFAULT_DESK.equals(payload.path("deskId").asText(null))) {
            payload.remove("deskId");
        }
        return new EventEnvelope(envelope.eventId(), envelope.aggregateId(), envelope.aggregateType(),
                envelope.version(), envelope.eventType(), 1, envelope.occurredAt(), envelope.correlationId(),
                envelope.causationId(), envelope.actor(), payload);
    }
}
