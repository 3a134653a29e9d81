package com.waitingroom.projection.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stage occupancies a queue's recent steps show (pure): a desk is held from PatientCalledAtCashier
 * to the event that frees it (payment validated or pending, absent at cashier, cancelled, left); a room
 * from PatientClaimedForAttention (PatientCalled when no claim preceded it) to the event that frees it
 * (attention completed, absent at consultation, cancelled, left). Occupancies still open are kept as
 * starts, so the current occupant's elapsed time is known.
 */
public final class StageOccupancies {

    public enum Stage { CASHIER, ROOM }

    /** One patient step, as patient_steps stores it (oldest first), with the patient's consultation type. */
    public record Step(String patientId, int visit, String eventType, Instant occurredAt, String deskId,
                       String consultationType, int priorityLevel) {
    }

    /** A patient entering a line (check-in or requeue: cashier; payment validated or requeue: consultation). */
    public record LineEntry(Stage line, int priorityLevel, Instant at) {
    }

    /** A finished occupancy of a desk or a room. */
    public record Occupancy(Stage stage, String consultationType, Instant start, Instant end) {
        public Duration duration() {
            return Duration.between(start, end);
        }
    }

    private static final Set<String> FREE_DESK = Set.of("PatientPaymentValidated", "PatientPaymentPending",
            "PatientAbsentAtCashier", "PatientCancelledByPayment", "PatientCancelledByAbsence", "PatientLeft");
    private static final Set<String> FREE_ROOM = Set.of("PatientAttentionCompleted", "PatientAbsentAtConsultation",
            "PatientCancelledByAbsence", "PatientLeft");

    private final List<Occupancy> finished;
    private final Map<String, Instant> openDeskSince;
    private final Map<String, Instant> openRoomSince;
    private final Map<String, Instant> lastDeskCall;
    private final List<LineEntry> entries;
    private final Instant observedSince;

    private StageOccupancies(List<Occupancy> finished, Map<String, Instant> openDeskSince,
                             Map<String, Instant> openRoomSince, Map<String, Instant> lastDeskCall,
                             List<LineEntry> entries, Instant observedSince) {
        this.finished = finished;
        this.entries = entries;
        this.observedSince = observedSince;
        this.openDeskSince = openDeskSince;
        this.openRoomSince = openRoomSince;
        this.lastDeskCall = lastDeskCall;
    }

    public static StageOccupancies of(List<Step> steps) {
        List<Occupancy> finished = new ArrayList<>();
        Map<String, Instant> desk = new HashMap<>();
        Map<String, Instant> room = new HashMap<>();
        Map<String, Instant> deskCalls = new HashMap<>();
        List<LineEntry> entries = new ArrayList<>();
        for (Step step : steps) {
            String key = step.patientId();
            switch (step.eventType()) {
                case "PatientCheckedIn", "PatientAbsentAtCashier" ->
                        entries.add(new LineEntry(Stage.CASHIER, step.priorityLevel(), step.occurredAt()));
                case "PatientPaymentValidated", "PatientAbsentAtConsultation" ->
                        entries.add(new LineEntry(Stage.ROOM, step.priorityLevel(), step.occurredAt()));
                default -> {
                    // enters no line
                }
            }
            switch (step.eventType()) {
                case "PatientCheckedIn" -> {
                    desk.remove(key);
                    room.remove(key);
                }
                case "PatientCalledAtCashier" -> {
                    desk.put(key, step.occurredAt());
                    if (step.deskId() != null) {
                        deskCalls.put(step.deskId(), step.occurredAt());
                    }
                }
                case "PatientClaimedForAttention" -> room.put(key, step.occurredAt());
                case "PatientCalled" -> room.putIfAbsent(key, step.occurredAt());
                default -> {
                    // a step seen without its start (before the scanned tail) measures nothing
                }
            }
            if (FREE_DESK.contains(step.eventType()) && desk.containsKey(key)) {
                finished.add(new Occupancy(Stage.CASHIER, step.consultationType(), desk.remove(key), step.occurredAt()));
            }
            if (FREE_ROOM.contains(step.eventType()) && room.containsKey(key)) {
                finished.add(new Occupancy(Stage.ROOM, step.consultationType(), room.remove(key), step.occurredAt()));
            }
        }
        return new StageOccupancies(finished, desk, room, deskCalls, entries,
                steps.isEmpty() ? null : steps.get(0).occurredAt());
    }

    /** Finished occupancies, in the order they ended. */
    public List<Occupancy> finished() {
        return finished;
    }

    /** When the patient's open desk occupancy started, or null (not at a desk, or started before the tail). */
    public Instant deskSince(String patientId) {
        return openDeskSince.get(patientId);
    }

    /** Patients entering either line, oldest first. */
    public List<LineEntry> entries() {
        return entries;
    }

    /** The time of the oldest step read (the steps cover [observedSince, now]), or null without steps. */
    public Instant observedSince() {
        return observedSince;
    }

    /** The desk's latest call among the steps read, or null. */
    public Instant lastCallAt(String deskId) {
        return lastDeskCall.get(deskId);
    }

    /** When the patient's open room occupancy (claim or call) started, or null. */
    public Instant roomSince(String patientId) {
        return openRoomSince.get(patientId);
    }
}
