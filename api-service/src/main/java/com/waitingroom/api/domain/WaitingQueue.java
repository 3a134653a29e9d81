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
import com.waitingroom.kernel.events.PatientPaymentPending;
import com.waitingroom.kernel.events.PatientPaymentValidated;
import com.waitingroom.kernel.events.WaitingQueueCreated;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The event-sourced waiting queue of one clinic: every command method checks the rules against
 * the current state, then returns the events it decided and applies them to itself, so the
 * caller can read the resulting state. State changes only ever happen in {@link #apply}.
 * Not thread-safe: one instance serves one command.
 */
public final class WaitingQueue {

    public static final int DEFAULT_CAPACITY = 100;
    public static final int MAX_PAYMENT_ATTEMPTS = 3;
    /** Absences at the cashier that requeue the patient; the next one cancels the visit. */
    public static final int MAX_CASHIER_ABSENCES = 2;
    /** Absences at the consulting room that requeue the patient; the next one cancels the visit. */
    public static final int MAX_CONSULTATION_ABSENCES = 1;

    private final String queueId;
    private boolean exists;
    private String name;
    private int maxCapacity;
    private long version;
    private long nextSequence = 1;
    private String cashierPatientId;
    private final Map<String, Patient> patients = new LinkedHashMap<>();
    /** Active rooms only: room id to the patient it holds (null value = free). */
    private final Map<String, String> activeRooms = new LinkedHashMap<>();

    private WaitingQueue(String queueId) {
        this.queueId = queueId;
    }

    /** A queue with no events yet (it does not exist until a create or a first check-in). */
    public static WaitingQueue empty(String queueId) {
        return new WaitingQueue(queueId);
    }

    public static WaitingQueue fromSnapshot(QueueSnapshot snapshot) {
        WaitingQueue queue = new WaitingQueue(snapshot.queueId());
        queue.exists = true;
        queue.name = snapshot.name();
        queue.maxCapacity = snapshot.maxCapacity();
        queue.version = snapshot.version();
        queue.nextSequence = snapshot.nextSequence();
        queue.cashierPatientId = snapshot.cashierPatientId();
        for (QueueSnapshot.PatientState state : snapshot.patients()) {
            queue.patients.put(state.patientId(), Patient.restore(state));
        }
        for (QueueSnapshot.RoomState room : snapshot.rooms()) {
            queue.activeRooms.put(room.roomId(), room.patientId());
        }
        return queue;
    }

    public QueueSnapshot snapshot() {
        List<QueueSnapshot.PatientState> patientStates = new ArrayList<>(patients.size());
        for (Patient patient : patients.values()) {
            patientStates.add(patient.snapshot());
        }
        List<QueueSnapshot.RoomState> rooms = new ArrayList<>(activeRooms.size());
        activeRooms.forEach((roomId, patientId) -> rooms.add(new QueueSnapshot.RoomState(roomId, patientId)));
        return new QueueSnapshot(queueId, name, maxCapacity, version, nextSequence, cashierPatientId,
                patientStates, rooms);
    }

    /** Re-applies a stored event; {@code eventVersion} must follow the current version without a gap. */
    public void replay(DomainEvent event, long eventVersion) {
        if (eventVersion != version + 1) {
            throw new IllegalStateException("stream of queue " + queueId + " jumps from version " + version
                    + " to " + eventVersion);
        }
        apply(event);
    }

    // ---------------------------------------------------------------- commands

    public List<DomainEvent> create(String queueName, int capacity) {
        if (exists) {
            throw new RuleViolationException(RuleCodes.QUEUE_ALREADY_EXISTS,
                    "waiting queue '" + queueId + "' already exists");
        }
        return emit(new WaitingQueueCreated(queueId, queueName, capacity));
    }

    /** Checks a patient in; the first check-in of an unknown queue creates it with the defaults. */
    public List<DomainEvent> checkIn(CheckIn command) {
        List<DomainEvent> events = new ArrayList<>(2);
        if (!exists) {
            events.addAll(emit(new WaitingQueueCreated(queueId, queueId, DEFAULT_CAPACITY)));
        }
        Patient existing = patients.get(command.patientId());
        if (existing != null && existing.status().isActive()) {
            throw new RuleViolationException(RuleCodes.PATIENT_ALREADY_ACTIVE, "patient '" + command.patientId()
                    + "' is already in waiting queue '" + queueId + "' (" + existing.status() + ")");
        }
        long active = patients.values().stream().filter(p -> p.status().isActive()).count();
        if (active >= maxCapacity) {
            throw new RuleViolationException(RuleCodes.QUEUE_AT_CAPACITY, "waiting queue '" + queueId
                    + "' is full (" + maxCapacity + " active patients)");
        }
        var effective = command.effectivePriority();
        int ahead = (int) patients.values().stream()
                .filter(p -> p.status() == PatientStatus.WAITING_FOR_CASHIER
                        && p.priority().level() >= effective.level())
                .count();
        events.addAll(emit(new PatientCheckedIn(queueId, command.patientId(), command.patientName(), effective,
                command.requestedPriority(), command.consultationType(), command.notes(), command.age(),
                command.pregnant(), ahead + 1)));
        return events;
    }

    public List<DomainEvent> callNextAtCashier(String deskId) {
        requireExists();
        if (cashierPatientId != null) {
            throw new RuleViolationException(RuleCodes.CASHIER_BUSY,
                    "patient '" + cashierPatientId + "' is still at the cashier");
        }
        Patient next = firstIn(PatientStatus.WAITING_FOR_CASHIER).orElseThrow(() -> new RuleViolationException(
                RuleCodes.NO_PATIENT_WAITING_FOR_CASHIER, "no patient is waiting for the cashier"));
        return emit(new PatientCalledAtCashier(queueId, next.patientId(), deskId));
    }

    public List<DomainEvent> validatePayment(String patientId, String paymentReference) {
        Patient patient = requirePatient(patientId);
        requireAtCashier(patient);
        return emit(new PatientPaymentValidated(queueId, patientId, paymentReference));
    }

    public List<DomainEvent> markPaymentPending(String patientId, String reason) {
        Patient patient = requirePatient(patientId);
        requireAtCashier(patient);
        if (patient.paymentAttempts() >= MAX_PAYMENT_ATTEMPTS) {
            throw new RuleViolationException(RuleCodes.PAYMENT_ATTEMPTS_EXHAUSTED, "patient '" + patientId
                    + "' already has " + MAX_PAYMENT_ATTEMPTS + " pending payment attempts; cancel the visit");
        }
        return emit(new PatientPaymentPending(queueId, patientId, reason, patient.paymentAttempts() + 1));
    }

    public List<DomainEvent> cancelByPayment(String patientId, String reason) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.PAYMENT_PENDING || patient.paymentAttempts() < MAX_PAYMENT_ATTEMPTS) {
            throw new RuleViolationException(RuleCodes.PAYMENT_CANCELLATION_NOT_ALLOWED, "patient '" + patientId
                    + "' can be cancelled for payment only after " + MAX_PAYMENT_ATTEMPTS
                    + " pending payment attempts (has " + patient.paymentAttempts() + ", " + patient.status() + ")");
        }
        return emit(new PatientCancelledByPayment(queueId, patientId, reason));
    }

    /** Up to {@value #MAX_CASHIER_ABSENCES} absences requeue the patient; the next one cancels the visit. */
    public List<DomainEvent> markAbsentAtCashier(String patientId) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.AT_CASHIER) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_AT_CASHIER,
                    "patient '" + patientId + "' is not called at the cashier (" + patient.status() + ")");
        }
        if (patient.cashierAbsences() >= MAX_CASHIER_ABSENCES) {
            return emit(new PatientCancelledByAbsence(queueId, patientId, null));
        }
        return emit(new PatientAbsentAtCashier(queueId, patientId, patient.cashierAbsences() + 1));
    }

    public List<DomainEvent> activateRoom(String roomId) {
        requireExists();
        if (activeRooms.containsKey(roomId)) {
            throw new RuleViolationException(RuleCodes.ROOM_ALREADY_ACTIVE,
                    "consulting room '" + roomId + "' is already active");
        }
        return emit(new ConsultingRoomActivated(queueId, roomId));
    }

    public List<DomainEvent> deactivateRoom(String roomId) {
        requireActiveRoom(roomId);
        String occupant = activeRooms.get(roomId);
        if (occupant != null) {
            throw new RuleViolationException(RuleCodes.ROOM_BUSY,
                    "consulting room '" + roomId + "' still attends patient '" + occupant + "'");
        }
        return emit(new ConsultingRoomDeactivated(queueId, roomId));
    }

    /** The active, free room takes the next patient waiting for consultation: priority, then FIFO. */
    public List<DomainEvent> claimNextPatient(String roomId) {
        requireActiveRoom(roomId);
        String occupant = activeRooms.get(roomId);
        if (occupant != null) {
            throw new RuleViolationException(RuleCodes.ROOM_BUSY,
                    "consulting room '" + roomId + "' already attends patient '" + occupant + "'");
        }
        Patient next = firstIn(PatientStatus.WAITING_FOR_CONSULTATION).orElseThrow(() -> new RuleViolationException(
                RuleCodes.NO_PATIENT_WAITING_FOR_CONSULTATION, "no patient is waiting for a consultation"));
        return emit(new PatientClaimedForAttention(queueId, next.patientId(), roomId));
    }

    public List<DomainEvent> callPatient(String patientId) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.CLAIMED) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_CLAIMED,
                    "patient '" + patientId + "' is not claimed by a consulting room (" + patient.status() + ")");
        }
        return emit(new PatientCalled(queueId, patientId, patient.roomId()));
    }

    public List<DomainEvent> startConsultation(String patientId) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.CALLED_TO_CONSULTATION) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_CALLED,
                    "patient '" + patientId + "' has not been called to consultation (" + patient.status() + ")");
        }
        return emit(new PatientConsultationStarted(queueId, patientId, patient.roomId()));
    }

    public List<DomainEvent> completeAttention(String patientId, String outcome, String notes) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.IN_CONSULTATION) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_IN_CONSULTATION,
                    "patient '" + patientId + "' is not in consultation (" + patient.status() + ")");
        }
        return emit(new PatientAttentionCompleted(queueId, patientId, patient.roomId(), outcome, notes));
    }

    /** The first absence requeues the patient for consultation; the second cancels the visit. */
    public List<DomainEvent> markAbsentAtConsultation(String patientId) {
        Patient patient = requirePatient(patientId);
        if (patient.status() != PatientStatus.CALLED_TO_CONSULTATION) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_CALLED,
                    "patient '" + patientId + "' has not been called to consultation (" + patient.status() + ")");
        }
        if (patient.consultationAbsences() >= MAX_CONSULTATION_ABSENCES) {
            return emit(new PatientCancelledByAbsence(queueId, patientId, patient.roomId()));
        }
        return emit(new PatientAbsentAtConsultation(queueId, patientId, patient.roomId(),
                patient.consultationAbsences() + 1));
    }

    // ---------------------------------------------------------------- state changes

    private List<DomainEvent> emit(DomainEvent event) {
        apply(event);
        return List.of(event);
    }

    private void apply(DomainEvent event) {
        if (event instanceof WaitingQueueCreated created) {
            exists = true;
            name = created.name();
            maxCapacity = created.maxCapacity();
        } else if (event instanceof PatientCheckedIn checkedIn) {
            patients.put(checkedIn.patientId(), new Patient(checkedIn.patientId(), checkedIn.patientName(),
                    checkedIn.priority(), checkedIn.requestedPriority(), checkedIn.consultationType(),
                    checkedIn.notes(), checkedIn.age(), checkedIn.pregnant(), nextSequence++));
        } else if (event instanceof PatientCalledAtCashier called) {
            Patient patient = patients.get(called.patientId());
            patient.status = PatientStatus.AT_CASHIER;
            patient.deskId = called.deskId();
            cashierPatientId = patient.patientId();
        } else if (event instanceof PatientPaymentValidated validated) {
            Patient patient = patients.get(validated.patientId());
            patient.status = PatientStatus.WAITING_FOR_CONSULTATION;
            patient.lineSequence = nextSequence++;
            cashierPatientId = null;
        } else if (event instanceof PatientPaymentPending pending) {
            Patient patient = patients.get(pending.patientId());
            patient.status = PatientStatus.PAYMENT_PENDING;
            patient.paymentAttempts = pending.attempt();
        } else if (event instanceof PatientAbsentAtCashier absent) {
            Patient patient = patients.get(absent.patientId());
            patient.status = PatientStatus.WAITING_FOR_CASHIER;
            patient.cashierAbsences = absent.retryNumber();
            patient.lineSequence = nextSequence++;
            patient.deskId = null;
            cashierPatientId = null;
        } else if (event instanceof PatientCancelledByPayment cancelled) {
            patients.get(cancelled.patientId()).status = PatientStatus.CANCELLED_BY_PAYMENT;
            cashierPatientId = null;
        } else if (event instanceof ConsultingRoomActivated activated) {
            activeRooms.put(activated.roomId(), null);
        } else if (event instanceof ConsultingRoomDeactivated deactivated) {
            activeRooms.remove(deactivated.roomId());
        } else if (event instanceof PatientClaimedForAttention claimed) {
            Patient patient = patients.get(claimed.patientId());
            patient.status = PatientStatus.CLAIMED;
            patient.roomId = claimed.roomId();
            activeRooms.put(claimed.roomId(), patient.patientId());
        } else if (event instanceof PatientCalled called) {
            patients.get(called.patientId()).status = PatientStatus.CALLED_TO_CONSULTATION;
        } else if (event instanceof PatientConsultationStarted started) {
            patients.get(started.patientId()).status = PatientStatus.IN_CONSULTATION;
        } else if (event instanceof PatientAttentionCompleted completed) {
            patients.get(completed.patientId()).status = PatientStatus.FINISHED;
            freeRoom(completed.roomId(), completed.patientId());
        } else if (event instanceof PatientAbsentAtConsultation absent) {
            Patient patient = patients.get(absent.patientId());
            patient.status = PatientStatus.WAITING_FOR_CONSULTATION;
            patient.consultationAbsences = absent.retryNumber();
            patient.lineSequence = nextSequence++;
            patient.roomId = null;
            freeRoom(absent.roomId(), absent.patientId());
        } else if (event instanceof PatientCancelledByAbsence cancelled) {
            Patient patient = patients.get(cancelled.patientId());
            if (patient.status().occupiesCashier()) {
                cashierPatientId = null;
            }
            freeRoom(cancelled.roomId(), cancelled.patientId());
            patient.status = PatientStatus.CANCELLED_BY_ABSENCE;
        } else {
            throw new IllegalArgumentException("WaitingQueue cannot apply " + event.getClass().getName());
        }
        version++;
    }

    private void freeRoom(String roomId, String patientId) {
        if (roomId != null && patientId.equals(activeRooms.get(roomId))) {
            activeRooms.put(roomId, null);
        }
    }

    // ---------------------------------------------------------------- helpers and queries

    private void requireExists() {
        if (!exists) {
            throw NotFoundException.queue(queueId);
        }
    }

    private Patient requirePatient(String patientId) {
        requireExists();
        Patient patient = patients.get(patientId);
        if (patient == null) {
            throw NotFoundException.patient(queueId, patientId);
        }
        return patient;
    }

    private void requireAtCashier(Patient patient) {
        if (!patient.status().occupiesCashier()) {
            throw new RuleViolationException(RuleCodes.PATIENT_NOT_AT_CASHIER,
                    "patient '" + patient.patientId() + "' is not at the cashier (" + patient.status() + ")");
        }
    }

    private void requireActiveRoom(String roomId) {
        requireExists();
        if (!activeRooms.containsKey(roomId)) {
            throw new RuleViolationException(RuleCodes.ROOM_NOT_ACTIVE,
                    "consulting room '" + roomId + "' is not active");
        }
    }

    private Optional<Patient> firstIn(PatientStatus status) {
        Patient best = null;
        for (Patient patient : patients.values()) {
            if (patient.status() == status && (best == null || patient.goesBefore(best))) {
                best = patient;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The patients of one status in the order they will be served. */
    public List<Patient> line(PatientStatus status) {
        List<Patient> line = new ArrayList<>();
        for (Patient patient : patients.values()) {
            if (patient.status() == status) {
                line.add(patient);
            }
        }
        line.sort((a, b) -> a.goesBefore(b) ? -1 : (b.goesBefore(a) ? 1 : 0));
        return line;
    }

    public String queueId() {
        return queueId;
    }

    public boolean exists() {
        return exists;
    }

    public String name() {
        return name;
    }

    public int maxCapacity() {
        return maxCapacity;
    }

    /** Number of events in the stream so far (0 when the queue does not exist). */
    public long version() {
        return version;
    }

    public Optional<String> cashierPatientId() {
        return Optional.ofNullable(cashierPatientId);
    }

    public Optional<Patient> patient(String patientId) {
        return Optional.ofNullable(patients.get(patientId));
    }

    public Collection<Patient> patients() {
        return Collections.unmodifiableCollection(patients.values());
    }

    /** Active rooms: room id to the patient it holds (null when free). */
    public Map<String, String> activeRooms() {
        return Collections.unmodifiableMap(activeRooms);
    }

    public long activePatientCount() {
        return patients.values().stream().filter(p -> p.status().isActive()).count();
    }
}
