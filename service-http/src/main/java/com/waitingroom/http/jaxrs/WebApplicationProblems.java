package com.waitingroom.http.jaxrs;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.waitingroom.http.Problem;

/**
 * Quarkus REST's own refusals (no matching method 405, Accept 406, Content-Type 415, unreadable
 * parameters 400/404, ...) as problem+json. A global mapper in this bean archive; more specific than a
 * service's catch-all {@code Throwable} mapper, so it wins.
 */
public class WebApplicationProblems {

    private static final Logger LOG = Logger.getLogger(WebApplicationProblems.class);

    @ServerExceptionMapper
    public Response map(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        if (status < 400) {
            return e.getResponse(); // a redirect or other non-error answer thrown on purpose
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String detail = switch (status) {
            case 405 -> "This method is not allowed on this resource";
            case 406 -> "No representation matches the Accept header; this resource answers JSON";
            case 415 -> "The Content-Type of the body is not one this resource reads";
            case 404 -> "No resource at this path";
            default -> status < 500 ? "The request could not be read: " + e.getMessage() : "Unexpected error; see the service log";
        };
        return ProblemResponses.of(Problem.of(status, Problem.codeFor(title), title, detail));
    }
}
