package com.waitingroom.outbox.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.UUID;

/** Reads X-Correlation-Id (generating one when absent) and echoes it on the response. */
public class CorrelationIdFilter {

    public static final String HEADER = "X-Correlation-Id";
    private static final String PROPERTY = "correlationId";

    @ServerRequestFilter(preMatching = true)
    public void read(ContainerRequestContext request) {
        String id = request.getHeaderString(HEADER);
        String correlationId = id == null || id.isBlank() ? UUID.randomUUID().toString() : id;
        request.setProperty(PROPERTY, correlationId);
        // JSON logs (prod profile) carry it on every line logged while serving the request.
        MDC.put(PROPERTY, correlationId);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }
}
