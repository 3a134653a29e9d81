package com.waitingroom.projection.api;

import com.waitingroom.http.Problem;

import jakarta.ws.rs.core.Response;

import java.util.List;

/** Thrown by resources to answer with a problem+json response. */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String code;
    private final List<Problem.FieldError> errors;

    public ProblemException(int status, String code, String detail) {
        this(status, code, detail, List.of());
    }

    public ProblemException(int status, String code, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.code = code;
        this.errors = errors;
    }

    public static ProblemException notFound(String code, String detail) {
        return new ProblemException(404, code, detail);
    }

    /** A queue the projection does not know (every view of an unknown queue answers the same). */
    public static ProblemException queueNotFound(String queueId) {
        return notFound("QUEUE_NOT_FOUND", "waiting queue '" + queueId + "' is unknown to the projection");
    }

    public static ProblemException invalid(String field, String message) {
        return new ProblemException(400, "VALIDATION_FAILED", "invalid request",
                List.of(new Problem.FieldError(field, message)));
    }

    public Problem toProblem() {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        return Problem.of(status, code, title, getMessage()).withErrors(errors);
    }

    public int status() {
        return status;
    }
}
