package com.waitingroom.api.api;

/** Example request bodies of the OpenAPI document (Redocly checks each against its schema). */
final class RequestExamples {

    static final String CREATE_QUEUE = "{\"queueId\": \"ER-1\", \"name\": \"Emergency\", \"maxCapacity\": 100}";
    static final String CHECK_IN = "{\"patientId\": \"P-1\", \"patientName\": \"Ana\", \"priority\": \"High\", "
            + "\"consultationType\": \"General\", \"age\": 34}";
    static final String CALL_NEXT_AT_CASHIER = "{\"deskId\": \"desk-2\"}";
    static final String VALIDATE_PAYMENT = "{\"paymentReference\": \"RCPT-1\"}";
    static final String MARK_PAYMENT_PENDING = "{\"reason\": \"card declined\"}";
    static final String CANCEL_BY_PAYMENT = "{\"reason\": \"no means of payment\"}";
    static final String LEAVE = "{\"reason\": \"tired of waiting\"}";
    static final String CLAIM_NEXT_PATIENT = "{\"roomId\": \"room-1\"}";
    static final String COMPLETE_ATTENTION = "{\"outcome\": \"discharged\", \"notes\": \"follow-up in 2 weeks\"}";
    static final String NO_FIELDS = "{}";

    private RequestExamples() {
    }
}
