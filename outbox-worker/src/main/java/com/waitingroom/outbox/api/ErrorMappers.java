package com.waitingroom.outbox.api;

import java.sql.SQLException;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.waitingroom.http.Problem;
import com.waitingroom.http.jaxrs.ProblemResponses;

/**
 * A database outage is a 503, never a bare 500. The framework's own refusals (404, 405, 406, 415, ...)
 * are service-http's, like every other service's.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response database(SQLException e) {
        LOG.warnf("admin request failed on the database: %s", e.getMessage());
        return ProblemResponses.of(Problem.of(503, "DATABASE_UNAVAILABLE", "Service unavailable",
                "the outbox database is unavailable, retry later").retryAfter(5));
    }
}
