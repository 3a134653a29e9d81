package com.waitingroom.ingest.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
        String id = incoming != null && SAFE.matcher(incoming).matches() ? incoming : randomId();
        ctx.put(KEY, id);
        ctx.response().putHeader(HEADER, id);
        // JSON logs (prod profile) carry it on every line logged while serving the request.
        MDC.put(KEY, id);
        ctx.next();
    }

    /**
     * A random (version 4) UUID from the thread-local generator: a correlation id must be unique,
     * not unguessable, and {@code UUID.randomUUID()} serialises every event loop on one SecureRandom.
     */
    static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }

    static String of(RoutingContext ctx) {
        return ctx.get(KEY);
    }
}
