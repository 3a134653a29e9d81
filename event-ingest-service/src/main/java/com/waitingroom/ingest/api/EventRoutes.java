package com.waitingroom.ingest.api;

import java.io.IOException;
import java.io.StringWriter;
import java.security.Principal;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.domain.EventParser;
import com.waitingroom.ingest.domain.IngestEvent;
import com.waitingroom.ingest.domain.InvalidEventsException;
import com.waitingroom.ingest.store.EventWriter;
import com.waitingroom.ingest.store.IngestRejectedException;
import com.waitingroom.ingest.store.StoreRejectedEventException;
import com.waitingroom.security.AuthProblemHandler;
import com.waitingroom.security.AuthProblems;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * HTTP API as plain Vert.x routes on the event loop: the ingest path does no blocking work (it
 * parses, queues and is resumed by the commit), which is what lets a few threads serve tens of
 * thousands of requests per second.
 */
@ApplicationScoped
public class EventRoutes {

    private static final Logger LOG = Logger.getLogger(EventRoutes.class);
    /** Bodies above this are parsed on a worker thread so one big batch does not stall the event loop. */
    private static final int PARSE_ON_WORKER_ABOVE_BYTES = 256 * 1024;

    private final EventWriter writer;
    private final SearchRoutes search;
    private final CommittedIngest ingest;
    private final IngestConfig config;
    private final EventParser parser;
    private final ShutdownDrain shutdown;
    private final Clock clock = Clock.systemUTC();

    public EventRoutes(EventWriter writer, SearchRoutes search, CommittedIngest ingest, IngestConfig config,
            ShutdownDrain shutdown) {
        this.writer = writer;
        this.search = search;
        this.ingest = ingest;
        this.config = config;
        this.shutdown = shutdown;
        this.parser = new EventParser(clock, config.limits().maxBatchItems(), config.partitions().retentionDays(),
                config.limits().maxFutureSkew());
    }

    void register(@Observes Router router) {
        router.route().order(-99).handler(shutdown::closeConnectionsWhileStopping);
        router.post("/events")
                .handler(BodyHandler.create(false).setBodyLimit(config.limits().maxBodyBytes()))
                .handler(this::ingest)
                .failureHandler(this::failure);
        search.register(router, this::failure);
    }

    // ---- POST /events ----

    private void ingest(RoutingContext ctx) {
        String contentType = mediaType(ctx.request().getHeader("Content-Type"));
        boolean ndjson;
        if (contentType == null || contentType.equals("application/json") || contentType.endsWith("+json")) {
            ndjson = false;
        } else if (contentType.equals("application/x-ndjson") || contentType.equals("application/ndjson")) {
            ndjson = true;
        } else {
            writer.countRejected("unsupported_media_type", 1);
            Problems.send(ctx, 415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
                    "Send application/json (one event or an array) or application/x-ndjson (one event per line)");
            return;
        }
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        if (body.length > PARSE_ON_WORKER_ABOVE_BYTES) {
            Context context = Vertx.currentContext();
            context.<EventParser.Parsed> executeBlocking(() -> parse(body, ndjson), false).onComplete(result -> {
                if (result.succeeded()) {
                    accept(ctx, result.result());
                } else {
                    rejectInvalid(ctx, result.cause());
                }
            });
            return;
        }
        EventParser.Parsed parsed;
        try {
            parsed = parse(body, ndjson);
        } catch (RuntimeException e) {
            rejectInvalid(ctx, e);
            return;
        }
        accept(ctx, parsed);
    }

    private EventParser.Parsed parse(byte[] body, boolean ndjson) {
        return ndjson ? parser.parseNdjson(body) : parser.parseJson(body);
    }

    private void rejectInvalid(RoutingContext ctx, Throwable cause) {
        if (cause instanceof InvalidEventsException invalid) {
            writer.countRejected(invalid.status() == 413 ? "too_large" : "invalid", Math.max(1, invalid.failedItems().size()));
            Problems.send(ctx, invalid.status(), invalid.code(),
                    invalid.status() == 413 ? "Payload too large" : "Invalid events", invalid.getMessage(),
                    invalid.errors(), invalid.failedItems(), null, 0);
        } else {
            ctx.fail(cause);
        }
    }

    private void accept(RoutingContext ctx, EventParser.Parsed parsed) {
        List<IngestEvent> events = parsed.events();
        ingest.accept(ctx, events, committed -> respondCreated(committed, events, parsed.batch()));
    }

    /**
     * The caller's identity: the token's {@code sub}. Proactive authentication has run before any route
     * handler, and the path permissions let only authenticated callers reach this one.
     */
    static String subject(RoutingContext ctx) {
        if (ctx.user() instanceof QuarkusHttpUser user && !user.getSecurityIdentity().isAnonymous()) {
            Principal principal = user.getSecurityIdentity().getPrincipal();
            if (principal instanceof JsonWebToken token && token.getSubject() != null) {
                return token.getSubject();
            }
            return principal.getName();
        }
        return null;
    }

    private static void respondCreated(RoutingContext ctx, List<IngestEvent> events, boolean batch) {
        StringWriter out = new StringWriter(64 + events.size() * 40);
        try (JsonGenerator json = Problems.JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("accepted", events.size());
            if (batch) {
                json.writeArrayFieldStart("eventIds");
                for (IngestEvent event : events) {
                    json.writeString(event.eventId());
                }
                json.writeEndArray();
            } else {
                json.writeStringField("eventId", events.get(0).eventId());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(out.toString());
    }

    // ---- errors ----

    /** Also the failure handler of the OTLP and Loki routes. */
    void failure(RoutingContext ctx) {
        // Security failures are service-security's (its failure handler comes first, on the first route);
        // should one still get here, it keeps its 401/403 answer rather than becoming a 400 or 500.
        AuthProblems.Answer auth = AuthProblemHandler.answerFor(ctx);
        if (auth != null) {
            if (!ctx.response().ended()) {
                AuthProblemHandler.write(ctx, auth);
            }
            return;
        }
        int status = ctx.statusCode();
        if (status == 413) {
            writer.countRejected("too_large", 1);
            Problems.send(ctx, 413, "PAYLOAD_TOO_LARGE", "Payload too large",
                    "The body exceeds " + config.limits().maxBodyBytes() + " bytes");
            return;
        }
        if (status >= 400 && status < 500) {
            Problems.send(ctx, status, "BAD_REQUEST", "Bad request", "The request could not be read");
            return;
        }
        LOG.error("Unexpected failure handling " + ctx.request().method() + " " + ctx.request().path(), ctx.failure());
        Problems.send(ctx, 500, "INTERNAL_ERROR", "Internal error", "Unexpected error; see the service log");
    }

    static String mediaType(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
