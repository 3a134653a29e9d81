package com.waitingroom.api.domain;

import com.waitingroom.kernel.Priority;

import java.util.List;

/**
 * The whole state of a {@link WaitingQueue} at {@code version}, stored as JSON in the snapshots
 * table. Bump {@link #STATE_SCHEMA} whenever this shape changes: older snapshots are then ignored
 * (the store only loads snapshots of the current schema and replays the stream instead).
 */
public record QueueSnapshot(
        String queueId,
        String name,
        int maxCapacity,
        long version,
        long nextSequence,
        long ticketsIssued,
        List<DeskState> busyDesks,
        List<PatientState> patients,
        List<RoomState> rooms) {

    /** 3: ticket numbers. 2: parallel cashier desks, visits (schema 1 had a single cashier slot). */
    public static final int STATE_SCHEMA = 3;

    public record PatientState(
            String patientId,
            String name,
            Priority priority,
            Priority requestedPriority,
            String consultationType,
            String notes,
            Integer age,
            boolean pregnant,
            int visit,
            long checkInSequence,
            PatientStatus status,
            long lineSequence,
            int cashierAbsences,
            int paymentAttempts,
            int consultationAbsences,
            String deskId,
            String roomId,
            String ticketNumber) {
    }

    /** A busy cashier desk and the patient at it. */
    public record DeskState(String deskId, String patientId) {
    }

    /** An active consulting room and the patient it holds (null when free). */
    public record RoomState(String roomId, String patientId) {
    }
}
