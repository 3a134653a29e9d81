package com.waitingroom.api.domain;

/** A command that the domain refuses; {@link #code()} is stable and part of the API contract. */
public abstract class DomainException extends RuntimeException {

    private final String code;

    protected DomainException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
