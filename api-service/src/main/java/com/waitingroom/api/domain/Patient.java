package com.waitingroom.api.domain;

import com.waitingroom.kernel.LineOrder;
import com.waitingroom.kernel.Priority;

/**
 * A patient's current visit inside one waiting queue (a new check-in after the visit ended replaces
 * it with the next visit). Mutated only by {@link WaitingQueue} when it applies events.
 */
public final class Patient {

    private final String patientId;
    private final String name;
    private final Priority priority;
    private final Priority requestedPriority;
    private final String consultationType;
    private final String notes;
    private final Integer age;
    private final boolean pregnant;
    /** This patient's visits to the queue, from 1. */
    private final int visit;
    private final long checkInSequence;
    PatientStatus status;
    /** Sequence drawn on entering the current line (see {@link LineOrder}); kept while no longer in a line. */
    long lineSequence;
    int cashierAbsences;
    int paymentAttempts;
    int consultationAbsences;
    /** The cashier desk the patient is at: set only while AT_CASHIER. */
    String deskId;
    /** The consulting room holding the patient, or the last one of this visit once it is over. */
    String roomId;
    /** The short number public screens show for this visit; null for check-ins recorded before tickets. */
    String ticketNumber;

    Patient(String patientId, String name, Priority priority, Priority requestedPriority, String consultationType,
            String notes, Integer age, boolean pregnant, int visit, long checkInSequence) {
        this.patientId = patientId;
        this.name = name;
        this.priority = priority;
        this.requestedPriority = requestedPriority;
        this.consultationType = consultationType;
        this.notes = notes;
        this.age = age;
        this.pregnant = pregnant;
        this.visit = visit;
        this.checkInSequence = checkInSequence;
        this.status = PatientStatus.WAITING_FOR_CASHIER;
        this.lineSequence = checkInSequence;
    }

    static Patient restore(QueueSnapshot.PatientState state) {
        Patient patient = new Patient(state.patientId(), state.name(), state.priority(), state.requestedPriority(),
                state.consultationType(), state.notes(), state.age(), state.pregnant(), state.visit(),
                state.checkInSequence());
        patient.status = state.status();
        patient.lineSequence = state.lineSequence();
        patient.cashierAbsences = state.cashierAbsences();
        patient.paymentAttempts = state.paymentAttempts();
        patient.consultationAbsences = state.consultationAbsences();
        patient.deskId = state.deskId();
        patient.roomId = state.roomId();
        patient.ticketNumber = state.ticketNumber();
        return patient;
    }

    QueueSnapshot.PatientState snapshot() {
        return new QueueSnapshot.PatientState(patientId, name, priority, requestedPriority, consultationType, notes,
                age, pregnant, visit, checkInSequence, status, lineSequence, cashierAbsences, paymentAttempts,
                consultationAbsences, deskId, roomId, ticketNumber);
    }

    /** True when this patient is served before {@code other} in a line: the kernel's one {@link LineOrder}. */
    public boolean goesBefore(Patient other) {
        return LineOrder.compare(priority.level(), lineSequence, other.priority.level(), other.lineSequence) < 0;
    }

    public String ticketNumber() {
        return ticketNumber;
    }

    public String patientId() {
        return patientId;
    }

    public String name() {
        return name;
    }

    public Priority priority() {
        return priority;
    }

    public Priority requestedPriority() {
        return requestedPriority;
    }

    public String consultationType() {
        return consultationType;
    }

    public String notes() {
        return notes;
    }

    public Integer age() {
        return age;
    }

    public boolean pregnant() {
        return pregnant;
    }

    public int visit() {
        return visit;
    }

    /** The sequence drawn at check-in of this visit. */
    public long checkInSequence() {
        return checkInSequence;
    }

    /** The sequence drawn on entering the patient's current (or last) line. */
    public long lineSequence() {
        return lineSequence;
    }

    public PatientStatus status() {
        return status;
    }

    public int cashierAbsences() {
        return cashierAbsences;
    }

    public int paymentAttempts() {
        return paymentAttempts;
    }

    public int consultationAbsences() {
        return consultationAbsences;
    }

    public String deskId() {
        return deskId;
    }

    public String roomId() {
        return roomId;
    }
}
