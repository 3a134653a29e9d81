package com.waitingroom.api.domain;

/** The command names a queue or patient that does not exist (HTTP 404). */
public class NotFoundException extends DomainException {

    public static final String QUEUE_NOT_FOUND = "QUEUE_NOT_FOUND";
    public static final String PATIENT_NOT_FOUND = "PATIENT_NOT_FOUND";

    public NotFoundException(String code, String message) {
        super(code, message);
    }

    public static NotFoundException queue(String queueId) {
        return new NotFoundException(QUEUE_NOT_FOUND, "waiting queue '" + queueId + "' does not exist");
    }

    public static NotFoundException patient(String queueId, String patientId) {
        return new NotFoundException(PATIENT_NOT_FOUND,
                "patient '" + patientId + "' is not known in waiting queue '" + queueId + "'");
    }
}
