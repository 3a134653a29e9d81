package com.waitingroom.api.domain;

/** A well-formed command that a business rule forbids in the current state (HTTP 422). */
public class RuleViolationException extends DomainException {

    public RuleViolationException(String code, String message) {
        super(code, message);
    }
}
