package com.waitingroom.api.domain;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.LineOrder;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of a {@link WaitingQueue} and how each event changes it; no rule is checked here
 * (events are facts, schema-1 ones included). Schema-1 events carry no line sequence, visit or
 * desk: they are derived exactly as the aggregate derived them when it decided those events.
 */
final class QueueState {

    final String queueId;
    boolean exists;
    String name;
    int maxCapacity;
    long version;
    /** The queue-wide line counter: the sequence the next patient entering a line draws. */
    long nextSequence = 1;
    /** Check-ins so far: where the search for the next free ticket number starts. */
    long ticketsIssued;
    final Map<String, Patient> patients = new LinkedHashMap<>();
    /** Busy cashier desks, in desk-id order: desk id to the patient at it. */
    final Map<String, String> busyDesks = new TreeMap<>();
    /** Active rooms only: room id to the patient it holds (null value = free). */
    final Map<String, String> activeRooms = new LinkedHashMap<>();

    QueueState(String queueId) {
        this.queueId = queueId;
    }

    static QueueState restore(QueueSnapshot snapshot) {
        QueueState state = new QueueState(snapshot.queueId());
        state.exists = true;
        state.name = snapshot.name();
        state.maxCapacity = snapshot.maxCapacity();
        state.version = snapshot.version();
        state.nextSequence = snapshot.nextSequence();
        state.ticketsIssued = snapshot.ticketsIssued();
        for (QueueSnapshot.PatientState patient : snapshot.patients()) {
            state.patients.put(patient.patientId(), Patient.restore(patient));
        }
        for (QueueSnapshot.DeskState desk : snapshot.busyDesks()) {
            state.busyDesks.put(desk.deskId(), desk.patientId());
        }
        for (QueueSnapshot.RoomState room : snapshot.rooms()) {
            state.activeRooms.put(room.roomId(), room.patientId());
        }
        return state;
    }

    QueueSnapshot snapshot() {
        List<QueueSnapshot.PatientState> patientStates = new ArrayList<>(patients.size());
        for (Patient patient : patients.values()) {
            patientStates.add(patient.snapshot());
        }
        List<QueueSnapshot.DeskState> desks = new ArrayList<>(busyDesks.size());
        busyDesks.forEach((deskId, patientId) -> desks.add(new QueueSnapshot.DeskState(deskId, patientId)));
        List<QueueSnapshot.RoomState> rooms = new ArrayList<>(activeRooms.size());
        activeRooms.forEach((roomId, patientId) -> rooms.add(new QueueSnapshot.RoomState(roomId, patientId)));
        return new QueueSnapshot(queueId, name, maxCapacity, version, nextSequence, ticketsIssued, desks, patientStates,
                rooms);
    }

    /** The visit a new check-in of this patient starts: 1, or the previous visit + 1. */
    int nextVisitOf(String patientId) {
        Patient previous = patients.get(patientId);
        return previous == null ? 1 : previous.visit() + 1;
    }

    void apply(DomainEvent event) {
        if (event instanceof WaitingQueueCreated created) {
            exists = true;
            name = created.name();
            maxCapacity = created.maxCapacity();
        } else if (event instanceof PatientCheckedIn checkedIn) {
            int visit = checkedIn.visit() != null ? checkedIn.visit() : nextVisitOf(checkedIn.patientId());
            long sequence = enterLine(checkedIn.lineSequence());
            patients.put(checkedIn.patientId(), new Patient(checkedIn.patientId(), checkedIn.patientName(),
                    checkedIn.priority(), checkedIn.requestedPriority(), checkedIn.consultationType(),
                    checkedIn.notes(), checkedIn.age(), checkedIn.pregnant(), visit, sequence));
            patients.get(checkedIn.patientId()).ticketNumber = checkedIn.ticketNumber();
            ticketsIssued++;
        } else if (event instanceof PatientCalledAtCashier called) {
            Patient patient = patients.get(called.patientId());
            String desk = called.deskOrDefault();
            patient.status = PatientStatus.AT_CASHIER;
            patient.deskId = desk;
            busyDesks.put(desk, patient.patientId());
        } else if (event instanceof PatientPaymentValidated validated) {
            Patient patient = patients.get(validated.patientId());
            freeDesk(patient);
            patient.status = PatientStatus.WAITING_FOR_CONSULTATION;
            patient.lineSequence = enterLine(validated.lineSequence());
        } else if (event instanceof PatientPaymentPending pending) {
            Patient patient = patients.get(pending.patientId());
            freeDesk(patient);
            patient.status = PatientStatus.PAYMENT_PENDING;
            patient.paymentAttempts = pending.attempt();
        } else if (event instanceof PatientAbsentAtCashier absent) {
            Patient patient = patients.get(absent.patientId());
            freeDesk(patient);
            patient.status = PatientStatus.WAITING_FOR_CASHIER;
            patient.cashierAbsences = absent.retryNumber();
            patient.lineSequence = enterLine(absent.lineSequence());
        } else if (event instanceof PatientCancelledByPayment cancelled) {
            Patient patient = patients.get(cancelled.patientId());
            freeDesk(patient);
            patient.status = PatientStatus.CANCELLED_BY_PAYMENT;
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
            patient.lineSequence = enterLine(absent.lineSequence());
            patient.roomId = null;
            freeRoom(absent.roomId(), absent.patientId());
        } else if (event instanceof PatientCancelledByAbsence cancelled) {
            Patient patient = patients.get(cancelled.patientId());
            freeDesk(patient);
            freeRoom(cancelled.roomId(), cancelled.patientId());
            patient.status = PatientStatus.CANCELLED_BY_ABSENCE;
        } else if (event instanceof PatientLeft left) {
            Patient patient = patients.get(left.patientId());
            freeDesk(patient);
            freeRoom(patient.roomId(), patient.patientId());
            patient.status = PatientStatus.LEFT;
        } else {
            throw new IllegalArgumentException("WaitingQueue cannot apply " + event.getClass().getName());
        }
        version++;
    }

    /** The sequence a patient entering a line gets: the one the event carries, else the counter's. */
    private long enterLine(Long carried) {
        long sequence = LineOrder.resolve(carried, nextSequence);
        nextSequence = LineOrder.advance(nextSequence, sequence);
        return sequence;
    }

    private void freeDesk(Patient patient) {
        if (patient.deskId != null) {
            busyDesks.remove(patient.deskId, patient.patientId());
            patient.deskId = null;
        }
    }

    private void freeRoom(String roomId, String patientId) {
        if (roomId != null && patientId.equals(activeRooms.get(roomId))) {
            activeRooms.put(roomId, null);
        }
    }

    // ---------------------------------------------------------------- queries

    /** The patients of one status in the order they will be served ({@link Patient#goesBefore}). */
    List<Patient> line(PatientStatus status) {
        List<Patient> line = new ArrayList<>();
        for (Patient patient : patients.values()) {
            if (patient.status() == status) {
                line.add(patient);
            }
        }
        line.sort((a, b) -> a.goesBefore(b) ? -1 : (b.goesBefore(a) ? 1 : 0));
        return line;
    }

    Optional<Patient> firstIn(PatientStatus status) {
        Patient best = null;
        for (Patient patient : patients.values()) {
            if (patient.status() == status && (best == null || patient.goesBefore(best))) {
                best = patient;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The ticket number the next check-in gets: see {@link TicketNumbers}. */
    String nextTicketNumber() {
        Set<String> held = new HashSet<>();
        for (Patient patient : patients.values()) {
            if (patient.status().isActive() && patient.ticketNumber != null) {
                held.add(patient.ticketNumber);
            }
        }
        return TicketNumbers.next(ticketsIssued, held);
    }

    long activePatientCount() {
        return patients.values().stream().filter(p -> p.status().isActive()).count();
    }
}
