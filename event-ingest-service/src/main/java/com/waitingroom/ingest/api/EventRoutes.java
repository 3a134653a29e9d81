package com.waitingroom.ingest.api;

import java.io.IOException;
import java.io.StringWriter;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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
import com.waitingroom.ingest.domain.FieldError;
import com.waitingroom.ingest.domain.IngestEvent;
import com.waitingroom.ingest.domain.InvalidEventsException;
import com.waitingroom.ingest.domain.PageCursor;
import com.waitingroom.ingest.store.EventQueryRepository;
import com.waitingroom.ingest.store.EventQueryRepository.ServiceCount;
import com.waitingroom.ingest.store.EventQueryRepository.StoredEvent;
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
    private final EventQueryRepository queries;
    private final CommittedIngest ingest;
    private final IngestConfig config;
    private final EventParser parser;
    private final ShutdownDrain shutdown;
    private final Clock clock = Clock.systemUTC();

    public EventRoutes(EventWriter writer, EventQueryRepository queries, CommittedIngest ingest, IngestConfig config,
            ShutdownDrain shutdown) {
        this.writer = writer;
        this.queries = queries;
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
        router.get("/events/summary").produces("application/json").handler(this::summary).failureHandler(this::failure);
        router.get("/events").produces("application/json").handler(this::search).failureHandler(this::failure);
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

    // ---- GET /events ----

    private void search(RoutingContext ctx) {
        List<FieldError> errors = new ArrayList<>();
        IngestConfig.Query limits = config.query();
        String service = ctx.request().getParam("service");
        if (service != null && (service.isBlank() || service.length() > EventParser.MAX_SERVICE_LENGTH)) {
            errors.add(new FieldError("service", "must be 1-" + EventParser.MAX_SERVICE_LENGTH + " characters"));
        }
        String severity = SearchFilters.severity(ctx.request().getParam("severity"), errors);
        String traceId = SearchFilters.traceId(ctx.request().getParam("traceId"), errors);
        Instant now = clock.instant();
        OffsetDateTime to = instantParam(ctx, "to", errors);
        OffsetDateTime from = instantParam(ctx, "from", errors);
        if (to == null) {
            to = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        }
        if (from == null) {
            from = to.minus(limits.defaultRange());
        }
        if (!from.isBefore(to)) {
            errors.add(new FieldError("from", "must be before `to`"));
        } else if (Duration.between(from, to).compareTo(limits.maxRange()) > 0) {
            errors.add(new FieldError("to", "range must be at most " + limits.maxRange().toDays() + " days"));
        }
        int limit = limits.defaultLimit();
        String limitText = ctx.request().getParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
                if (limit < 1 || limit > limits.maxLimit()) {
                    errors.add(new FieldError("limit", "must be between 1 and " + limits.maxLimit()));
                }
            } catch (NumberFormatException e) {
                errors.add(new FieldError("limit", "must be an integer between 1 and " + limits.maxLimit()));
            }
        }
        String order = ctx.request().getParam("order", "asc").toLowerCase(Locale.ROOT);
        if (!order.equals("asc") && !order.equals("desc")) {
            errors.add(new FieldError("order", "must be asc or desc"));
        }
        PageCursor cursor = null;
        String cursorText = ctx.request().getParam("cursor");
        if (cursorText != null && !cursorText.isEmpty()) {
            try {
                cursor = PageCursor.decode(cursorText);
            } catch (RuntimeException e) {
                errors.add(new FieldError("cursor", "is not a cursor returned by this endpoint"));
            }
        }
        if (!errors.isEmpty()) {
            Problems.send(ctx, 400, "INVALID_QUERY", "Invalid query parameters", "Fix the listed parameters",
                    errors, List.of(), null, 0);
            return;
        }
        int pageSize = limit;
        queries.search(new EventQueryRepository.Filter(service, severity, traceId), from, to, cursor, order.equals("desc"), limit).onComplete(result -> {
            if (result.failed()) {
                storeUnavailable(ctx, result.cause());
                return;
            }
            StringWriter out = new StringWriter(1024);
            try (JsonGenerator json = Problems.JSON.createGenerator(out)) {
                json.writeStartObject();
                json.writeArrayFieldStart("items");
                for (StoredEvent event : result.result().events()) {
                    json.writeStartObject();
                    json.writeStringField("eventId", event.eventId());
                    json.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.timestamp()));
                    json.writeStringField("service", event.service());
                    json.writeStringField("message", event.message());
                    if (event.metadataJson() != null) {
                        json.writeFieldName("metadata");
                        json.writeRawValue(event.metadataJson());
                    }
                    SearchFilters.writeOptional(json, "severity", event.severity());
                    SearchFilters.writeOptional(json, "traceId", event.traceId());
                    SearchFilters.writeOptional(json, "spanId", event.spanId());
                    json.writeStringField("receivedAt", DateTimeFormatter.ISO_INSTANT.format(event.receivedAt()));
                    json.writeEndObject();
                }
                json.writeEndArray();
                PageCursor next = result.result().next();
                if (next == null) {
                    json.writeNullField("nextCursor");
                } else {
                    json.writeStringField("nextCursor", next.encode());
                }
                json.writeNumberField("limit", pageSize);
                json.writeEndObject();
            } catch (IOException e) {
                ctx.fail(e);
                return;
            }
            ctx.response().putHeader("Content-Type", "application/json").end(out.toString());
        });
    }

    private static OffsetDateTime instantParam(RoutingContext ctx, String name, List<FieldError> errors) {
        String text = ctx.request().getParam(name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            if (text.chars().allMatch(Character::isDigit) && text.length() <= 15) {
                return OffsetDateTime.ofInstant(Instant.ofEpochMilli(Long.parseLong(text)), ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException | NumberFormatException e) {
            errors.add(new FieldError(name, "must be ISO-8601 with an offset or epoch millis"));
            return null;
        }
    }

    // ---- GET /events/summary ----

    private void summary(RoutingContext ctx) {
        queries.summary().onComplete(result -> {
            if (result.failed()) {
                storeUnavailable(ctx, result.cause());
                return;
            }
            StringWriter out = new StringWriter(256);
            try (JsonGenerator json = Problems.JSON.createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField("generatedAt", clock.instant().toString());
                json.writeArrayFieldStart("services");
                for (ServiceCount count : result.result()) {
                    json.writeStartObject();
                    json.writeStringField("service", count.service());
                    json.writeNumberField("lastHour", count.lastHour());
                    json.writeNumberField("last24Hours", count.last24Hours());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            } catch (IOException e) {
                ctx.fail(e);
                return;
            }
            ctx.response().putHeader("Content-Type", "application/json").end(out.toString());
        });
    }

    // ---- errors ----

    private static void storeUnavailable(RoutingContext ctx, Throwable cause) {
        LOG.warnf("Query failed: %s", cause.toString());
        Problems.send(ctx, 503, "STORE_UNAVAILABLE", "PostgreSQL is unavailable", "The query could not be run; retry later",
                List.of(), List.of(), null, 2);
    }

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
