package com.waitingroom.ingest.api;

import java.util.UUID;
import java.util.regex.Pattern;

import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.MDC;

/** Reads {@code X-Correlation-Id} (or makes one) and echoes it on every response. */
final class CorrelationIds {

    static final String HEADER = "X-Correlation-Id";
    private static final String KEY = "correlationId";
    // Anything else (too long, odd characters) is replaced rather than echoed back into headers/logs.
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:/+=\\-]{1,128}");

    private CorrelationIds() {
    }

    static void handle(RoutingContext ctx) {
        String incoming = ctx.request().getHeader(HEADER);
        String id = incoming != null && SAFE.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
        ctx.put(KEY, id);
        ctx.response().putHeader(HEADER, id);
        // JSON logs (prod profile) carry it on every line logged while serving the request.
        MDC.put(KEY, id);
        ctx.next();
    }

    static String of(RoutingContext ctx) {
        return ctx.get(KEY);
    }
}
