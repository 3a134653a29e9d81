package com.waitingroom.outbox.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** RFC 9457 problem details with the suite's stable {@code code} and field {@code errors}. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    @RegisterForReflection
    public record FieldError(String field, String message) {
    }

    public static Response response(Response.Status status, String code, String detail) {
        return response(status, code, detail, null);
    }

    public static Response response(Response.Status status, String code, String detail, List<FieldError> errors) {
        Problem problem = new Problem("https://waiting-room.example/problems/" + code.toLowerCase().replace('_', '-'),
                status.getReasonPhrase(), status.getStatusCode(), detail, code, errors);
        return Response.status(status).type(MEDIA_TYPE).entity(problem).build();
    }
}
