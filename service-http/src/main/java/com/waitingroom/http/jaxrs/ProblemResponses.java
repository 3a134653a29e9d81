package com.waitingroom.http.jaxrs;

import jakarta.ws.rs.core.Response;

import com.waitingroom.http.CorrelationIds;
import com.waitingroom.http.Problem;

/** A {@link Problem} as a JAX-RS response, for the JAX-RS services' exception mappers. */
public final class ProblemResponses {

    private ProblemResponses() {
    }

    public static Response of(Problem problem) {
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE)
                .entity(problem.toJson(CorrelationIds.current()));
        if (problem.retryAfterSeconds() > 0) {
            response.header("Retry-After", Long.toString(problem.retryAfterSeconds()));
        }
        return response.build();
    }
}
