package com.waitingroom.api.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads X-Correlation-Id (or generates one) before any resource runs, so the resource, the
 * stored events and the response all carry the same id; echoes it on every response.
 */
public class CorrelationFilter {

    public static final String HEADER = "X-Correlation-Id";
    /** MDC key: JSON logs (prod profile) carry it on every line logged while serving the request. */
    public static final String MDC_KEY = "correlationId";
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> readOrGenerate(ContainerRequestContext request) {
        String id = request.getHeaderString(HEADER);
        if (id == null || id.isBlank()) {
            String generated = UUID.randomUUID().toString();
            request.getHeaders().putSingle(HEADER, generated);
            MDC.put(MDC_KEY, generated);
            return Optional.empty();
        }
        if (!FORMAT.matcher(id).matches()) {
            String replacement = UUID.randomUUID().toString();
            request.getHeaders().putSingle(HEADER, replacement);
            return Optional.of(Response.fromResponse(Problem.of(400, "Bad request", "INVALID_CORRELATION_ID",
                            "X-Correlation-Id must be 1 to 128 characters of letters, digits or ._:/+=@-", null)
                    .toResponse()).header(HEADER, replacement).build());
        }
        MDC.put(MDC_KEY, id);
        return Optional.empty();
    }

    /** The id a client sent if it is a valid one, otherwise a new one: for answers given before this filter runs. */
    static String validOrNew(String id) {
        return id != null && FORMAT.matcher(id).matches() ? id : UUID.randomUUID().toString();
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        String id = request.getHeaderString(HEADER);
        if (id != null && !response.getHeaders().containsKey(HEADER)) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }
}
