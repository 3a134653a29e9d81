package com.waitingroom.projection.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows one batch touches, loaded before the batch and written back (dirty ones only) after it.
 * Applying in memory lets a batch of hundreds of events cost a handful of SQL round trips.
 */
public final class ReadModelState {
    public final Map<String, QueueRecord> queues = new HashMap<>();
    public final Map<Key, PatientRecord> patients = new HashMap<>();
    public final Map<Key, StationRecord> rooms = new HashMap<>();
    public final Map<Key, StationRecord> desks = new HashMap<>();
    public final List<TrajectoryStep> steps = new ArrayList<>();

    public record Key(String queueId, String id) {
    }

    QueueRecord queue(String queueId) {
        return queues.get(queueId);
    }

    PatientRecord patient(String queueId, String patientId) {
        return patients.get(new Key(queueId, patientId));
    }

    StationRecord room(String queueId, String roomId) {
        return rooms.computeIfAbsent(new Key(queueId, roomId), k -> new StationRecord(queueId, roomId));
    }

    StationRecord existingRoom(String queueId, String roomId) {
        return roomId == null ? null : rooms.get(new Key(queueId, roomId));
    }

    StationRecord desk(String queueId, String deskId) {
        return desks.computeIfAbsent(new Key(queueId, deskId), k -> new StationRecord(queueId, deskId));
    }

    StationRecord existingDesk(String queueId, String deskId) {
        return deskId == null ? null : desks.get(new Key(queueId, deskId));
    }
}
