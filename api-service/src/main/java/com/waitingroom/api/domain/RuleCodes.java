package com.waitingroom.api.domain;

/** Stable codes of the business-rule violations (HTTP 422), documented in the README. */
public final class RuleCodes {
    public static final String QUEUE_ALREADY_EXISTS = "QUEUE_ALREADY_EXISTS";
    public static final String QUEUE_AT_CAPACITY = "QUEUE_AT_CAPACITY";
    public static final String PATIENT_ALREADY_ACTIVE = "PATIENT_ALREADY_ACTIVE";
    public static final String CASHIER_BUSY = "CASHIER_BUSY";
    public static final String NO_PATIENT_WAITING_FOR_CASHIER = "NO_PATIENT_WAITING_FOR_CASHIER";
    public static final String PATIENT_NOT_AT_CASHIER = "PATIENT_NOT_AT_CASHIER";
    public static final String PAYMENT_ATTEMPTS_EXHAUSTED = "PAYMENT_ATTEMPTS_EXHAUSTED";
    public static final String PAYMENT_CANCELLATION_NOT_ALLOWED = "PAYMENT_CANCELLATION_NOT_ALLOWED";
    public static final String ROOM_ALREADY_ACTIVE = "ROOM_ALREADY_ACTIVE";
    public static final String ROOM_NOT_ACTIVE = "ROOM_NOT_ACTIVE";
    public static final String ROOM_BUSY = "ROOM_BUSY";
    public static final String NO_PATIENT_WAITING_FOR_CONSULTATION = "NO_PATIENT_WAITING_FOR_CONSULTATION";
    public static final String PATIENT_NOT_CLAIMED = "PATIENT_NOT_CLAIMED";
    public static final String PATIENT_NOT_CALLED = "PATIENT_NOT_CALLED";
    public static final String PATIENT_NOT_IN_CONSULTATION = "PATIENT_NOT_IN_CONSULTATION";
    public static final String PATIENT_CANNOT_LEAVE = "PATIENT_CANNOT_LEAVE";

    private RuleCodes() {
    }
}
