package com.waitingroom.api.api;

import com.waitingroom.api.domain.FieldError;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Locale;

/** RFC 9457 problem details with the suite's stable {@code code} and field {@code errors}. */
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String code, String detail, List<FieldError> errors) {
        String type = "https://waiting-room.local/problems/" + code.toLowerCase(Locale.ROOT).replace('_', '-');
        return new Problem(type, title, status, detail, code, errors == null || errors.isEmpty() ? null : errors);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(Json.write(this)).build();
    }
}
