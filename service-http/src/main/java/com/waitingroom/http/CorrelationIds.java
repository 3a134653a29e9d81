package com.waitingroom.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.jboss.logging.MDC;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The suite's one correlation-id rule. A request's id is its {@code X-Correlation-Id} when that is 1–128
 * characters of letters, digits or {@code ._:/+=@-}; otherwise (absent, too long, odd characters) the
 * service makes a new one. A bad id is replaced, never refused: a diagnostic header must not cost a
 * client its command, and an unsafe value must not reach headers or logs. The id used is echoed on every
 * response, so a client whose id was replaced sees which one to quote.
 */
public final class CorrelationIds {

    public static final String HEADER = "X-Correlation-Id";
    /** MDC key: logs carry it on every line written while serving the request. */
    public static final String MDC_KEY = "correlationId";
    static final String CONTEXT_KEY = "waitingroom.correlationId";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");

    private CorrelationIds() {
    }

    public static boolean isValid(String id) {
        return id != null && SAFE.matcher(id).matches();
    }

    /** The client's id when valid, otherwise a new one. */
    public static String validOrNew(String id) {
        return isValid(id) ? id : newId();
    }

    /**
     * A random (version 4) UUID from the thread-local generator: a correlation id must be unique, not
     * unguessable, and {@code UUID.randomUUID()} serialises every event loop on one SecureRandom.
     */
    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }

    /** The id of the request being served, or null outside a request (e.g. before the handler ran). */
    public static String of(RoutingContext context) {
        String id = context.get(CONTEXT_KEY);
        return id != null ? id : validOnly(context.request().getHeader(HEADER));
    }

    /** For code that sees only the request (JAX-RS): {@link CorrelationIdHandler} wrote the id used into it. */
    public static String of(HttpServerRequest request) {
        return validOnly(request.getHeader(HEADER));
    }

    /** The id in the logging context of the current request, or null. */
    public static String current() {
        Object id = MDC.get(MDC_KEY);
        return id == null ? null : id.toString();
    }

    private static String validOnly(String id) {
        return isValid(id) ? id : null;
    }
}
