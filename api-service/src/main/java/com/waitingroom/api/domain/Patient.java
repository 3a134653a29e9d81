package com.waitingroom.api.domain;

import com.waitingroom.kernel.Priority;

/** A patient's visit inside one waiting queue. Mutated only by {@link WaitingQueue} when it applies events. */
public final class Patient {

    private final String patientId;
    private final String name;
    private final Priority priority;
    private final Priority requestedPriority;
    private final String consultationType;
    private final String notes;
    private final Integer age;
    private final boolean pregnant;
    private final long checkInSequence;
    PatientStatus status;
    /** Position key inside the line the patient currently waits in (FIFO within a priority). */
    long lineSequence;
    int cashierAbsences;
    int paymentAttempts;
    int consultationAbsences;
    String deskId;
    String roomId;

    Patient(String patientId, String name, Priority priority, Priority requestedPriority, String consultationType,
            String notes, Integer age, boolean pregnant, long checkInSequence) {
        this.patientId = patientId;
        this.name = name;
        this.priority = priority;
        this.requestedPriority = requestedPriority;
        this.consultationType = consultationType;
        this.notes = notes;
        this.age = age;
        this.pregnant = pregnant;
        this.checkInSequence = checkInSequence;
        this.status = PatientStatus.WAITING_FOR_CASHIER;
        this.lineSequence = checkInSequence;
    }

    static Patient restore(QueueSnapshot.PatientState state) {
        Patient patient = new Patient(state.patientId(), state.name(), state.priority(), state.requestedPriority(),
                state.consultationType(), state.notes(), state.age(), state.pregnant(), state.checkInSequence());
        patient.status = state.status();
        patient.lineSequence = state.lineSequence();
        patient.cashierAbsences = state.cashierAbsences();
        patient.paymentAttempts = state.paymentAttempts();
        patient.consultationAbsences = state.consultationAbsences();
        patient.deskId = state.deskId();
        patient.roomId = state.roomId();
        return patient;
    }

    QueueSnapshot.PatientState snapshot() {
        return new QueueSnapshot.PatientState(patientId, name, priority, requestedPriority, consultationType, notes,
                age, pregnant, checkInSequence, status, lineSequence, cashierAbsences, paymentAttempts,
                consultationAbsences, deskId, roomId);
    }

    /** True when this patient goes before {@code other} in a line: higher priority, then earlier in line. */
    boolean goesBefore(Patient other) {
        if (priority.level() != other.priority.level()) {
            return priority.level() > other.priority.level();
        }
        return lineSequence < other.lineSequence;
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
