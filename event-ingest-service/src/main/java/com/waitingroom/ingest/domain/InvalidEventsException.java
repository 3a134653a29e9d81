package com.waitingroom.ingest.domain;

import java.util.List;

/** The request body cannot be accepted; carries everything a 4xx problem response needs. */
public class InvalidEventsException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<FieldError> errors;
    private final List<Integer> failedItems;

    public InvalidEventsException(int status, String code, String detail, List<FieldError> errors,
            List<Integer> failedItems) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
        this.failedItems = List.copyOf(failedItems);
    }

    public static InvalidEventsException of(int status, String code, String detail) {
        return new InvalidEventsException(status, code, detail, List.of(), List.of());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public List<Integer> failedItems() {
        return failedItems;
    }
}
