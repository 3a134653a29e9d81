package com.waitingroom.api.domain;

import com.waitingroom.kernel.Priority;

import java.util.List;

/**
 * The whole state of a {@link WaitingQueue} at {@code version}, stored as JSON in the snapshots
 * table. Bump {@link #STATE_SCHEMA} whenever this shape changes: older snapshots are then ignored.
 */
public record QueueSnapshot(
        String queueId,
        String name,
        int maxCapacity,
        long version,
        long nextSequence,
        String cashierPatientId,
        List<PatientState> patients,
        List<RoomState> rooms) {

    public static final int STATE_SCHEMA = 1;

    public record PatientState(
            String patientId,
            String name,
            Priority priority,
            Priority requestedPriority,
            String consultationType,
            String notes,
            Integer age,
            boolean pregnant,
            long checkInSequence,
            PatientStatus status,
            long lineSequence,
            int cashierAbsences,
            int paymentAttempts,
            int consultationAbsences,
            String deskId,
            String roomId) {
    }

    /** An active consulting room and the patient it holds (null when free). */
    public record RoomState(String roomId, String patientId) {
    }
}
