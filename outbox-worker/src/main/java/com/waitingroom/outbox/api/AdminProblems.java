package com.waitingroom.outbox.api;

import java.util.List;

import jakarta.ws.rs.core.Response;

import com.waitingroom.http.Problem;
import com.waitingroom.http.jaxrs.ProblemResponses;

/** The admin API's refusals in the suite's one problem shape (service-http). */
final class AdminProblems {

    private AdminProblems() {
    }

    static Response response(Response.Status status, String code, String detail) {
        return response(status, code, detail, List.of());
    }

    static Response response(Response.Status status, String code, String detail, List<Problem.FieldError> errors) {
        return ProblemResponses.of(Problem.of(status.getStatusCode(), code, status.getReasonPhrase(), detail)
                .withErrors(errors == null ? List.of() : errors));
    }
}
