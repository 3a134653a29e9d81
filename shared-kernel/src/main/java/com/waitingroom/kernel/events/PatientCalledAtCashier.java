package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/**
 * The next patient of the cashier line was called to cashier desk {@code deskId}. A desk attends
 * one patient at a time; several desks work in parallel. Schema-1 events may lack the desk: they
 * were all served by {@link #DEFAULT_DESK}.
 */
public record PatientCalledAtCashier(String queueId, String patientId, String deskId) implements DomainEvent {

    /** The desk a call names when the caller names none. */
    public static final String DEFAULT_DESK = "main";

    /** The desk, {@link #DEFAULT_DESK} for a schema-1 event without one. */
    public String deskOrDefault() {
        return deskId == null || deskId.isBlank() ? DEFAULT_DESK : deskId;
    }
}
