package com.waitingroom.api.domain;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.ConsultingRoomDeactivated;
import com.waitingroom.kernel.events.PatientAbsentAtCashier;
import com.waitingroom.kernel.events.PatientAbsentAtConsultation;
import com.waitingroom.kernel.events.PatientAttentionCompleted;
import com.waitingroom.kernel.events.PatientCalled;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientCancelledByAbsence;
import com.waitingroom.kernel.events.PatientCancelledByPayment;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.kernel.events.PatientClaimedForAttention;
import com.waitingroom.kernel.events.PatientConsultationStarted;
import com.waitingroom.kernel.events.PatientLeft;
import com.waitingroom.kernel.events.PatientPaymentPending;
import com.waitingroom.kernel.events.PatientPaymentValidated;
import com.waitingroom.kernel.events.WaitingQueueCreated;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The event-sourced waiting queue of one clinic: every command method checks the rules against
 * the current state, then returns the events it decided and applies them to itself, so the
 * caller can read the resulting state. State changes only ever happen in {@link QueueState#apply}.
 * Every event that puts a patient in a line carries the sequence it drew from the queue's counter
 * (kernel {@code LineOrder}), so read models order the lines exactly as this aggregate serves them.
 * Not thread-safe: one instance serves one command.
 */
public final class WaitingQueue {

    public static final int DEFAULT_CAPACITY = 100;
    public static final int MAX_PAYMENT_ATTEMPTS = 3;
    /** Absences at the cashier that requeue the patient; the next one cancels the visit. */
    public static final int MAX_CASHIER_ABSENCES = 2;
    /** Absences at the consulting room that requeue the patient; the next one cancels the visit. */
    public static final int MAX_CONSULTATION_ABSENCES = 1;

    private final QueueState state;

    private WaitingQueue(QueueState state) {
        this.state = state;
    }

    /** A queue with no events yet (it does not exist until a create or a first check-in). */
    public static WaitingQueue empty(String queueId) {
        return new WaitingQueue(new QueueState(queueId));
    }

    public static WaitingQueue fromSnapshot(QueueSnapshot snapshot) {
        return new WaitingQueue(QueueState.restore(snapshot));
    }

    public QueueSnapshot snapshot() {
        return state.snapshot();
    }

    /** Re-applies a stored event; {@code eventVersion} must follow the current version without a gap. */
    public void replay(DomainEvent event, long eventVersion) {
        if (eventVersion != state.version + 1) {
            throw new IllegalStateException("stream of queue " + state.queueId + " jumps from version "
                    + state.version + " to " + eventVersion);
        }
        state.apply(event);
    }

    // ---------------------------------------------------------------- commands

    public List<DomainEvent> create(String queueName, int capacity) {
        if (state.exists) {
            throw new RuleViolationException(RuleCodes.QUEUE_ALREADY_EXISTS,
                    "waiting queue '" + state.queueId + "' already exists");
        }
        return emit(new WaitingQueueCreated(state.queueId, queueName, capacity));
    }

    /**
     * Checks a patient in (the first check-in of an unknown queue creates it with the defaults).
     * A patient whose visit ended may check in again: the next visit.
     */
    public List<DomainEvent> checkIn(CheckIn command) {
        List<DomainEvent> events = new ArrayList<>(2);
        if (!state.exists) {
            events.addAll(emit(new WaitingQueueCreated(state.queueId, state.queueId, DEFAULT_CAPACITY)));
        }
        Patient existing = state.patients.get(command.patientId());
        if (existing != null && existing.status().isActive()) {
            throw new RuleViolationException(RuleCodes.PATIENT_ALREADY_ACTIVE, "patient '" + command.patientId()
                    + "' is already in waiting queue '" + state.queueId + "' (" + existing.status() + ")");
        }
        if (state.activePatientCount() >= state.maxCapacity) {
            throw new RuleViolationException(RuleCodes.QUEUE_AT_CAPACITY, "waiting queue '" + state.queueId
                    + "' is full (" + state.maxCapacity + " active patients)");
        }
        var effective = command.effectivePriority();
        int ahead = (int) state.patients.values().stream()
                .filter(p -> p.status() == PatientStatus.WAITING_FOR_CASHIER
                        && p.priority().level() >= effective.level())
                .count();
        events.addAll(emit(new PatientCheckedIn(state.queueId, command.patientId(), command.patientName(),
                effective, command.requestedPriority(), command.consultationType(), command.notes(), command.age(),
                command.pregnant(), ahead + 1, state.nextSequence, state.nextVisitOf(command.patientId()),
                state.nextTicketNumber())));
        return events;
    }

    /**
     * Desk {@code deskId} (null: {@link PatientCalledAtCashier#DEFAULT_DESK}) calls the next patient
     * of the cashier line. Desks work in parallel; a desk attends one patient at a time.
     */
    public List<DomainEvent> callNextAtCashier(String deskId) {
        requireExists();
        String desk = deskId == null || deskId.isBlank() ? PatientCalledAtCashier.DEFAULT_DESK : deskId;
        String occupant = state.busyDesks.get(desk);
        if (occupant != null) {
            throw new RuleViolationException(RuleCodes.CASHIER_BUSY,
                    "cashier desk '" + desk + "' still attends patient '" + occupant + "'");
        }
        Patient next = state.firstIn(PatientStatus.WAITING_FOR_CASHIER).orElseThrow(() -> new RuleViolationException(
                RuleCodes.NO_PATIENT_WAITING_FOR_CASHIER, "no patient is waiting for the cashier"));
        return emit(new PatientCalledAtCashier(state.queueId, next.patientId(), desk));
    }

    /** From a desk or a pending payment: the patient enters the consultation line (at its back). */
    public List<DomainEvent> validatePayment(String patientId, String paymentReference) {
        Patient patient = requirePatient(patientId);
        requireSettlingPayment(patient);
        return emit(new PatientPaymentValidated(state.queueId, patientId, paymentReference, state.nextSequence));
    }

    /** The payment is not settled yet: the desk is freed at once, at most {@value #MAX_PAYMENT_ATTEMPTS} times. */
    public List<DomainEvent> markPaymentPending(String patientId, String reason) {
        Patient patient = requirePatient(patientId);
        requireSettlingPayment(patient);
        if (patient.paymentAttempts() >= MAX_PAYMENT_ATTEMPTS) {
            throw new RuleViolationException(RuleCodes.PAYMENT_ATTEMPTS_EXHAUSTED, "patient '" + patientId
                    + "' already has " + MAX_PAYMENT_ATTEMPTS + " pending payment attempts; cancel the visit");
        }
        return emit(new PatientPaymentPending(state.queueId, patientId, reason, patient.paymentAttempts() + 1));
    }

    public List<DomainEvent> cancelByPayment(String patientId, String reason) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.PAYMENT_PENDING || patient.paymentAttempts() < MAX_PAYMENT_ATTEMPTS) {
            throw new RuleViolationException(RuleCodes.PAYMENT_CANCELLATION_NOT_ALLOWED, "patient '" + patientId
                    + "' can be cancelled for payment only after " + MAX_PAYMENT_ATTEMPTS
                    + " pending payment attempts (has " + patient.paymentAttempts() + ", " + patient.status() + ")");
        }
        return emit(new PatientCancelledByPayment(state.queueId, patientId, reason));
    }

    /** Up to {@value #MAX_CASHIER_ABSENCES} absences requeue the patient (back of its priority); the next cancels. */
    public List<DomainEvent> markAbsentAtCashier(String patientId) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.AT_CASHIER) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_AT_CASHIER,
                    "patient '" + patientId + "' is not called at the cashier (" + patient.status() + ")");
        }
        if (patient.cashierAbsences() >= MAX_CASHIER_ABSENCES) {
            return emit(new PatientCancelledByAbsence(state.queueId, patientId, null));
        }
        return emit(new PatientAbsentAtCashier(state.queueId, patientId, patient.cashierAbsences() + 1,
                state.nextSequence));
    }

    /**
     * The patient leaves before being attended, from any waiting state (also when at a desk, with a
     * pending payment, claimed or called to a room): the visit ends and the desk or room is free.
     */
    public List<DomainEvent> leave(String patientId, String reason) {
        Patient patient = requirePatient(patientId);
        if (!patient.status().canLeave()) {
            throw new RuleViolationException(RuleCodes.PATIENT_CANNOT_LEAVE, "patient '" + patientId
                    + "' cannot leave: " + (patient.status().isActive()
                    ? "the consultation has started" : "the visit is over") + " (" + patient.status() + ")");
        }
        return emit(new PatientLeft(state.queueId, patientId, reason));
    }

    public List<DomainEvent> activateRoom(String roomId) {
        requireExists();
        if (state.activeRooms.containsKey(roomId)) {
            throw new RuleViolationException(RuleCodes.ROOM_ALREADY_ACTIVE,
                    "consulting room '" + roomId + "' is already active");
        }
        return emit(new ConsultingRoomActivated(state.queueId, roomId));
    }

    public List<DomainEvent> deactivateRoom(String roomId) {
        requireActiveRoom(roomId);
        String occupant = state.activeRooms.get(roomId);
        if (occupant != null) {
            throw new RuleViolationException(RuleCodes.ROOM_BUSY,
                    "consulting room '" + roomId + "' still attends patient '" + occupant + "'");
        }
        return emit(new ConsultingRoomDeactivated(state.queueId, roomId));
    }

    /** The active, free room takes the first patient of the consultation line. */
    public List<DomainEvent> claimNextPatient(String roomId) {
        requireActiveRoom(roomId);
        String occupant = state.activeRooms.get(roomId);
        if (occupant != null) {
            throw new RuleViolationException(RuleCodes.ROOM_BUSY,
                    "consulting room '" + roomId + "' already attends patient '" + occupant + "'");
        }
        Patient next = state.firstIn(PatientStatus.WAITING_FOR_CONSULTATION).orElseThrow(() ->
                new RuleViolationException(RuleCodes.NO_PATIENT_WAITING_FOR_CONSULTATION,
                        "no patient is waiting for a consultation"));
        return emit(new PatientClaimedForAttention(state.queueId, next.patientId(), roomId));
    }

    public List<DomainEvent> callPatient(String patientId) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.CLAIMED) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_CLAIMED,
                    "patient '" + patientId + "' is not claimed by a consulting room (" + patient.status() + ")");
        }
        return emit(new PatientCalled(state.queueId, patientId, patient.roomId()));
    }

    public List<DomainEvent> startConsultation(String patientId) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.CALLED_TO_CONSULTATION) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_CALLED,
                    "patient '" + patientId + "' has not been called to consultation (" + patient.status() + ")");
        }
        return emit(new PatientConsultationStarted(state.queueId, patientId, patient.roomId()));
    }

    public List<DomainEvent> completeAttention(String patientId, String outcome, String notes) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.IN_CONSULTATION) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_IN_CONSULTATION,
                    "patient '" + patientId + "' is not in consultation (" + patient.status() + ")");
        }
        return emit(new PatientAttentionCompleted(state.queueId, patientId, patient.roomId(), outcome, notes));
    }

    /** The first absence requeues the patient for consultation (back of its priority); the second cancels. */
    public List<DomainEvent> markAbsentAtConsultation(String patientId) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.CALLED_TO_CONSULTATION) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_CALLED,
                    "patient '" + patientId + "' has not been called to consultation (" + patient.status() + ")");
        }
        if (patient.consultationAbsences() >= MAX_CONSULTATION_ABSENCES) {
            return emit(new PatientCancelledByAbsence(state.queueId, patientId, patient.roomId()));
        }
        return emit(new PatientAbsentAtConsultation(state.queueId, patientId, patient.roomId(),
                patient.consultationAbsences() + 1, state.nextSequence));
    }

    // ---------------------------------------------------------------- helpers

    private List<DomainEvent> emit(DomainEvent event) {
        state.apply(event);
        return List.of(event);
    }

    private void requireExists() {
        if (!state.exists) {
            throw NotFoundException.queue(state.queueId);
        }
    }

    private Patient requirePatient(String patientId) {
        requireExists();
        Patient patient = state.patients.get(patientId);
        if (patient == null) {
            throw NotFoundException.patient(state.queueId, patientId);
        }
        return patient;
    }

    private void requireSettlingPayment(Patient patient) {
        if (!patient.status().settlesPayment()) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_AT_CASHIER, "patient '" + patient.patientId()
                    + "' is neither at a cashier desk nor with a pending payment (" + patient.status() + ")");
        }
    }

    private void requireActiveRoom(String roomId) {
        requireExists();
        if (!state.activeRooms.containsKey(roomId)) {
            throw new RuleViolationException(RuleCodes.ROOM_NOT_ACTIVE,
                    "consulting room '" + roomId + "' is not active");
        }
    }

    // ---------------------------------------------------------------- queries

    /** The patients of one status in the order they will be served: priority, then line sequence. */
    public List<Patient> line(PatientStatus status) {
        return state.line(status);
    }

    public String queueId() {
        return state.queueId;
    }

    public boolean exists() {
        return state.exists;
    }

    public String name() {
        return state.name;
    }

    public int maxCapacity() {
        return state.maxCapacity;
    }

    /** Number of events in the stream so far (0 when the queue does not exist). */
    public long version() {
        return state.version;
    }

    /** The line sequence the next patient entering a line will draw. */
    public long nextSequence() {
        return state.nextSequence;
    }

    /** Busy cashier desks in desk-id order: desk id to the patient at it (free desks are absent). */
    public Map<String, String> busyDesks() {
        return Collections.unmodifiableMap(state.busyDesks);
    }

    /** The patient at cashier desk {@code deskId}, if that desk is busy. */
    public Optional<String> deskOccupant(String deskId) {
        return Optional.ofNullable(state.busyDesks.get(deskId));
    }

    public Optional<Patient> patient(String patientId) {
        return Optional.ofNullable(state.patients.get(patientId));
    }

    public Collection<Patient> patients() {
        return Collections.unmodifiableCollection(state.patients.values());
    }

    /** Active rooms: room id to the patient it holds (null when free). */
    public Map<String, String> activeRooms() {
        return Collections.unmodifiableMap(state.activeRooms);
    }

    public long activePatientCount() {
        return state.activePatientCount();
    }
}
