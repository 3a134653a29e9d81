package com.waitingroom.api.api;

/** JSON bodies of the commands. Every field is validated by the domain's input rules, not here. */
public final class Requests {

    private Requests() {
    }

    public record CreateQueue(String queueId, String name, Integer maxCapacity) {
    }

    public record CheckIn(String patientId, String patientName, String priority, String consultationType,
                          String notes, Integer age, Boolean pregnant) {
    }

    public record CallNextAtCashier(String deskId) {
        static final CallNextAtCashier EMPTY = new CallNextAtCashier(null);
    }

    public record ValidatePayment(String paymentReference) {
        static final ValidatePayment EMPTY = new ValidatePayment(null);
    }

    public record MarkPaymentPending(String reason) {
    }

    public record CancelByPayment(String reason) {
        static final CancelByPayment EMPTY = new CancelByPayment(null);
    }

    public record Leave(String reason) {
        static final Leave EMPTY = new Leave(null);
    }

    public record ClaimNextPatient(String roomId) {
    }

    /** Documentation only: commands that take no field accept an empty object or no body. */
    public record NoFields() {
    }

    public record CompleteAttention(String outcome, String notes) {
        static final CompleteAttention EMPTY = new CompleteAttention(null, null);
    }
}
