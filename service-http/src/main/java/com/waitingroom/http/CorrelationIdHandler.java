package com.waitingroom.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The public server's first route: fixes the request's correlation id (see {@link CorrelationIds}) before
 * anything else runs — authentication and the framework's own refusals included — so every answer and
 * every log line of the request carries it.
 */
@ApplicationScoped
public class CorrelationIdHandler {

    /** Runs before everything; service-security's bearer check comes right after it. */
    public static final int ORDER = Integer.MIN_VALUE;

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    void handle(RoutingContext context) {
        String id = CorrelationIds.validOrNew(context.request().getHeader(CorrelationIds.HEADER));
        context.put(CorrelationIds.CONTEXT_KEY, id);
        // Resources read the header: they must see the id in use, not a refused one.
        context.request().headers().set(CorrelationIds.HEADER, id);
        context.response().putHeader(CorrelationIds.HEADER, id);
        MDC.put(CorrelationIds.MDC_KEY, id);
        context.next();
    }
}
