package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.Priority;

/**
 * A patient joined the queue and now waits for the cashier. {@code priority} is the effective
 * priority (already raised for pregnancy or age); {@code requestedPriority} is what was asked for.
 */
public record PatientCheckedIn(
        String queueId,
        String patientId,
        String patientName,
        Priority priority,
        Priority requestedPriority,
        String consultationType,
        String notes,
        Integer age,
        boolean pregnant,
        int queuePosition) implements DomainEvent {
}
