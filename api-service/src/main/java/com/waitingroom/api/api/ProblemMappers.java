package com.waitingroom.api.api;

import com.waitingroom.api.domain.InvalidCommandException;
import com.waitingroom.api.domain.NotFoundException;
import com.waitingroom.api.domain.RuleViolationException;
import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.ConnectException;
import java.util.Locale;

/** Every failure leaves as application/problem+json with a stable code; only real faults are 5xx. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response invalid(InvalidCommandException e) {
        return Problem.of(400, "Invalid request", e.code(), e.getMessage(), e.errors()).toResponse();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problem.of(404, "Not found", e.code(), e.getMessage(), null).toResponse();
    }

    @ServerExceptionMapper
    public Response ruleViolation(RuleViolationException e) {
        return Problem.of(422, "Business rule violated", e.code(), e.getMessage(), null).toResponse();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return Problem.of(e.status(), e.title(), e.code(), e.getMessage(), null).toResponse();
    }

    /** Routing and content negotiation failures of JAX-RS itself (unknown path, wrong method, ...). */
    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String code = type == null ? "HTTP_" + status
                : type.getReasonPhrase().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
        return Problem.of(status, title, code, e.getMessage(), null).toResponse();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (isStoreUnavailable(e)) {
            LOG.warnf("event store unavailable: %s", e.toString());
            return Response.fromResponse(Problem.of(503, "Service unavailable", "STORE_UNAVAILABLE",
                    "the event store cannot be reached; nothing was recorded, retry later", null).toResponse())
                    .header("Retry-After", "1").build();
        }
        LOG.error("unexpected failure", e);
        return Problem.of(500, "Internal error", "INTERNAL_ERROR",
                "unexpected failure; nothing is known to be recorded, retry with the same Idempotency-Key", null)
                .toResponse();
    }

    private static boolean isStoreUnavailable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof ClosedConnectionException
                    || cause instanceof io.vertx.core.impl.NoStackTraceThrowable && cause.getMessage() != null
                    && cause.getMessage().contains("Timeout")
                    || cause instanceof VertxException && cause.getMessage() != null
                    && cause.getMessage().toLowerCase(Locale.ROOT).contains("connection")) {
                return true;
            }
        }
        return false;
    }
}
