package com.waitingroom.projection.api;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Every error leaves as application/problem+json; only genuine server faults are 5xx. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.toProblem(), e.status());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage())).toList();
        return respond(new ProblemException(400, "VALIDATION_FAILED", "invalid request", errors).toProblem(), 400);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            default -> status < 500 ? "BAD_REQUEST" : "SERVER_ERROR";
        };
        return respond(new ProblemException(status, code, e.getMessage()).toProblem(), status);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected error", e);
        return respond(new ProblemException(500, "INTERNAL_ERROR", "unexpected server error").toProblem(), 500);
    }

    static Response respond(Problem problem, int status) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
