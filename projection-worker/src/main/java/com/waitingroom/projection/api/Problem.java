package com.waitingroom.projection.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** RFC 9457 problem details, with the suite's stable {@code code} and validation {@code errors}. */
@RegisterForReflection
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    @RegisterForReflection
    public record FieldError(String field, String message) {
    }
}
