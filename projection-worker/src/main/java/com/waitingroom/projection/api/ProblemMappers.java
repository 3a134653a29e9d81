package com.waitingroom.projection.api;

import com.waitingroom.http.Problem;
import com.waitingroom.http.jaxrs.ProblemResponses;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Every error leaves as application/problem+json; only genuine server faults are 5xx. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return ProblemResponses.of(e.toProblem());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage())).toList();
        return ProblemResponses.of(new ProblemException(400, "VALIDATION_FAILED", "invalid request", errors).toProblem());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected error", e);
        return ProblemResponses.of(new ProblemException(500, "INTERNAL_ERROR", "unexpected server error").toProblem());
    }

}
