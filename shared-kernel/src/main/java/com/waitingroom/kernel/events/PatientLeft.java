package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/**
 * The patient left before being attended (gave up, or was removed by staff): the visit ends and
 * any cashier desk or consulting room the patient held is free again. Who decided it is the
 * envelope's actor; {@code reason} is free text.
 */
public record PatientLeft(String queueId, String patientId, String reason) implements DomainEvent {
}
