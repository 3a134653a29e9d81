package com.waitingroom.api.domain;

/** One invalid input field, reported in the problem's {@code errors} list. */
public record FieldError(String field, String message) {
}
