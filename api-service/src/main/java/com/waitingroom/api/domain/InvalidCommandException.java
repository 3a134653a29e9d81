package com.waitingroom.api.domain;

import java.util.List;

/** Malformed input: one or more fields break their format rules (HTTP 400). */
public class InvalidCommandException extends DomainException {

    public static final String VALIDATION_FAILED = "VALIDATION_FAILED";

    private final List<FieldError> errors;

    public InvalidCommandException(List<FieldError> errors) {
        super(VALIDATION_FAILED, summary(errors));
        this.errors = List.copyOf(errors);
    }

    public InvalidCommandException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String summary(List<FieldError> errors) {
        StringBuilder text = new StringBuilder("invalid request: ");
        for (int i = 0; i < errors.size(); i++) {
            if (i > 0) {
                text.append("; ");
            }
            text.append(errors.get(i).field()).append(' ').append(errors.get(i).message());
        }
        return text.toString();
    }
}
