package com.waitingroom.projection.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.UUID;

/** Reads X-Correlation-Id (generating one when absent) and echoes it on every response. */
public class CorrelationIdFilter {

    static final String HEADER = "X-Correlation-Id";
    private static final String PROPERTY = "correlation-id";

    @ServerRequestFilter(preMatching = true)
    public void read(ContainerRequestContext request) {
        String id = request.getHeaderString(HEADER);
        String correlationId = id == null || id.isBlank() || id.length() > 200 ? UUID.randomUUID().toString() : id;
        request.setProperty(PROPERTY, correlationId);
        // JSON logs (prod profile) carry it on every line logged while serving the request.
        MDC.put("correlationId", correlationId);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }
}
