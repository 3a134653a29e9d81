package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** The next waiting patient was called to the cashier desk. */
public record PatientCalledAtCashier(String queueId, String patientId, String deskId) implements DomainEvent {
}
