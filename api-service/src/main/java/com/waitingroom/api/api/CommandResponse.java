package com.waitingroom.api.api;

import com.waitingroom.api.domain.Patient;
import com.waitingroom.api.domain.PatientStatus;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.PatientCheckedIn;

import java.util.List;

/**
 * Body of every successful command: the queue's version after the command, the event types it
 * appended and, when the command concerns a patient, the patient's resulting state.
 * Absent fields are omitted from the JSON.
 */
public record CommandResponse(
        String queueId,
        long version,
        List<String> events,
        String name,
        Integer maxCapacity,
        String patientId,
        String patientName,
        String ticketNumber,
        PatientStatus status,
        Priority priority,
        Priority requestedPriority,
        Integer queuePosition,
        Integer visit,
        String deskId,
        String roomId,
        Integer paymentAttempts,
        Integer cashierAbsences,
        Integer consultationAbsences) {

    public static CommandResponse forQueue(WaitingQueue queue, List<DomainEvent> events) {
        return new CommandResponse(queue.queueId(), queue.version(), typesOf(events), queue.name(),
                queue.maxCapacity(), null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static CommandResponse forRoom(WaitingQueue queue, List<DomainEvent> events, String roomId) {
        return new CommandResponse(queue.queueId(), queue.version(), typesOf(events), null, null,
                null, null, null, null, null, null, null, null, null, roomId, null, null, null);
    }

    public static CommandResponse forPatient(WaitingQueue queue, List<DomainEvent> events, Patient patient) {
        Integer position = null;
        for (DomainEvent event : events) {
            if (event instanceof PatientCheckedIn checkedIn) {
                position = checkedIn.queuePosition();
            }
        }
        return new CommandResponse(queue.queueId(), queue.version(), typesOf(events), null, null,
                patient.patientId(), patient.name(), patient.ticketNumber(), patient.status(), patient.priority(),
                patient.requestedPriority(), position, patient.visit(), patient.deskId(), patient.roomId(),
                patient.paymentAttempts(), patient.cashierAbsences(), patient.consultationAbsences());
    }

    private static List<String> typesOf(List<DomainEvent> events) {
        return events.stream().map(event -> event.getClass().getSimpleName()).toList();
    }
}
