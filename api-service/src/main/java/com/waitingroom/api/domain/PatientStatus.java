package com.waitingroom.api.domain;

/** Where a patient is in the clinic flow. The last four are terminal: the visit is over. */
public enum PatientStatus {
    WAITING_FOR_CASHIER,
    /** Called to a cashier desk, which the patient holds until paid, pending, absent or gone. */
    AT_CASHIER,
    /** Payment not settled yet; the patient holds no desk (the cashier is never blocked by it). */
    PAYMENT_PENDING,
    WAITING_FOR_CONSULTATION,
    /** A consulting room took the patient; the patient has not been called yet. */
    CLAIMED,
    CALLED_TO_CONSULTATION,
    IN_CONSULTATION,
    FINISHED,
    CANCELLED_BY_PAYMENT,
    CANCELLED_BY_ABSENCE,
    /** The patient left before being attended (own choice or removed by staff). */
    LEFT;

    /** Active patients count against the queue's capacity and cannot check in again. */
    public boolean isActive() {
        return this != FINISHED && this != CANCELLED_BY_PAYMENT && this != CANCELLED_BY_ABSENCE && this != LEFT;
    }

    /** Statuses in which the patient occupies a consulting room. */
    public boolean occupiesRoom() {
        return this == CLAIMED || this == CALLED_TO_CONSULTATION || this == IN_CONSULTATION;
    }

    /** Statuses at the cashier from which a payment can be validated or marked pending. */
    public boolean settlesPayment() {
        return this == AT_CASHIER || this == PAYMENT_PENDING;
    }

    /** A patient can leave while waiting anywhere, but not once the consultation started or the visit is over. */
    public boolean canLeave() {
        return isActive() && this != IN_CONSULTATION;
    }
}
