package com.waitingroom.projection.domain;

import java.util.EnumSet;
import java.util.Set;

/** Where a patient is in the visit, as derived from the events. */
public enum PatientState {
    WaitingForCashier, AtCashier, PaymentPending, WaitingForConsultation, Claimed, Called, InConsultation,
    Completed, Cancelled, Left;

    /** States in which the patient sits in the waiting room (shown by the queue-state view). */
    public static final Set<PatientState> WAITING = EnumSet.of(WaitingForCashier, PaymentPending, WaitingForConsultation);

    /** States that end a visit: the patient may check in again afterwards. */
    public static final Set<PatientState> FINISHED = EnumSet.of(Completed, Cancelled, Left);

    public boolean isWaiting() {
        return WAITING.contains(this);
    }

    public boolean isFinished() {
        return FINISHED.contains(this);
    }
}
