package com.waitingroom.api.domain;

/** Where a patient is in the clinic flow. The last three are terminal. */
public enum PatientStatus {
    WAITING_FOR_CASHIER,
    AT_CASHIER,
    PAYMENT_PENDING,
    WAITING_FOR_CONSULTATION,
    /** A consulting room took the patient; the patient has not been called yet. */
    CLAIMED,
    CALLED_TO_CONSULTATION,
    IN_CONSULTATION,
    FINISHED,
    CANCELLED_BY_PAYMENT,
    CANCELLED_BY_ABSENCE;

    /** Active patients count against the queue's capacity and cannot check in again. */
    public boolean isActive() {
        return this != FINISHED && this != CANCELLED_BY_PAYMENT && this != CANCELLED_BY_ABSENCE;
    }

    /** Statuses in which the patient occupies the (single) cashier desk. */
    public boolean occupiesCashier() {
        return this == AT_CASHIER || this == PAYMENT_PENDING;
    }

    /** Statuses in which the patient occupies a consulting room. */
    public boolean occupiesRoom() {
        return this == CLAIMED || this == CALLED_TO_CONSULTATION || this == IN_CONSULTATION;
    }
}
