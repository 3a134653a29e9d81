package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.Priority;

/**
 * A patient joined the queue and now waits for the cashier. {@code priority} is the effective
 * priority (already raised for pregnancy or age); {@code requestedPriority} is what was asked for.
 * {@code lineSequence} places the patient in the cashier line (see {@link com.waitingroom.kernel.LineOrder});
 * {@code visit} counts this patient's visits to the queue from 1. Both are null in schema-1 events,
 * whose readers derive them as {@link com.waitingroom.kernel.LineOrder} describes.
 * {@code ticketNumber} (schema 3) is the short number public screens show instead of the name, unique
 * among the queue's active patients; null in events recorded before schema 3.
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
        int queuePosition,
        Long lineSequence,
        Integer visit,
        String ticketNumber) implements DomainEvent {

    /** A check-in without a ticket number: the shape of schema 1 and 2 events. */
    public PatientCheckedIn(String queueId, String patientId, String patientName, Priority priority,
                            Priority requestedPriority, String consultationType, String notes, Integer age,
                            boolean pregnant, int queuePosition, Long lineSequence, Integer visit) {
        this(queueId, patientId, patientName, priority, requestedPriority, consultationType, notes, age, pregnant,
                queuePosition, lineSequence, visit, null);
    }
}
