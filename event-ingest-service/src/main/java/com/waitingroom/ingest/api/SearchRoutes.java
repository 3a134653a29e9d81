package com.waitingroom.ingest.api;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.domain.FieldError;
import com.waitingroom.ingest.domain.PageCursor;
import com.waitingroom.ingest.domain.Severity;
import com.waitingroom.ingest.store.EventFilter;
import com.waitingroom.ingest.store.EventQueryRepository;
import com.waitingroom.ingest.store.EventQueryRepository.ServiceCount;
import com.waitingroom.ingest.store.EventQueryRepository.StoredEvent;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The read side: GET /events (keyset pages), /events/count, /events/severity-summary (one filter syntax,
 * {@link SearchFilters}) and /events/summary. Every endpoint refuses parameters it does not take, and
 * every query is bounded by a time range of at most {@code ingest.query.max-range}.
 */
@ApplicationScoped
public class SearchRoutes {

    private static final Logger LOG = Logger.getLogger(SearchRoutes.class);
    private static final List<String> RANGE = List.of("from", "to");
    private static final List<String> PAGING = List.of("limit", "cursor", "order");

    private final EventQueryRepository queries;
    private final IngestConfig.Query limits;
    private final Clock clock = Clock.systemUTC();

    public SearchRoutes(EventQueryRepository queries, IngestConfig config) {
        this.queries = queries;
        this.limits = config.query();
    }

    void register(Router router, Handler<RoutingContext> failure) {
        router.get("/events/summary").produces("application/json").handler(this::summary).failureHandler(failure);
        router.get("/events/count").produces("application/json").handler(this::count).failureHandler(failure);
        router.get("/events/severity-summary").produces("application/json").handler(this::severitySummary)
                .failureHandler(failure);
        router.get("/events").produces("application/json").handler(this::search).failureHandler(failure);
    }

    private static List<String> names(List<String> extra) {
        List<String> names = new ArrayList<>(SearchFilters.NAMES);
        names.addAll(RANGE);
        names.addAll(extra);
        return names;
    }

    // ---- GET /events ----

    private void search(RoutingContext ctx) {
        MultiMap params = ctx.queryParams();
        List<FieldError> errors = new ArrayList<>();
        SearchFilters.checkNames(params, names(PAGING), true, errors);
        EventFilter filter = SearchFilters.parse(params, errors);
        TimeRange range = TimeRange.parse(params, clock.instant(), limits, errors);
        int limit = limits.defaultLimit();
        String limitText = params.get("limit");
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
        String order = params.get("order") == null ? "asc" : params.get("order").toLowerCase(Locale.ROOT);
        if (!order.equals("asc") && !order.equals("desc")) {
            errors.add(new FieldError("order", "must be asc or desc"));
        }
        PageCursor cursor = null;
        String cursorText = params.get("cursor");
        if (cursorText != null && !cursorText.isEmpty()) {
            try {
                cursor = PageCursor.decode(cursorText);
            } catch (RuntimeException e) {
                errors.add(new FieldError("cursor", "is not a cursor returned by this endpoint"));
            }
        }
        if (refused(ctx, errors)) {
            return;
        }
        int pageSize = limit;
        queries.search(filter, range.from(), range.to(), cursor, order.equals("desc"), limit).onComplete(result -> {
            if (result.failed()) {
                storeUnavailable(ctx, result.cause());
                return;
            }
            respond(ctx, json -> {
                json.writeArrayFieldStart("items");
                for (StoredEvent event : result.result().events()) {
                    writeEvent(json, event);
                }
                json.writeEndArray();
                PageCursor next = result.result().next();
                if (next == null) {
                    json.writeNullField("nextCursor");
                } else {
                    json.writeStringField("nextCursor", next.encode());
                }
                json.writeNumberField("limit", pageSize);
            });
        });
    }

    private static void writeEvent(JsonGenerator json, StoredEvent event) throws IOException {
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

    // ---- GET /events/count and /events/severity-summary ----

    private void count(RoutingContext ctx) {
        aggregate(ctx, queries::count, (json, count) -> json.writeNumberField("count", count));
    }

    private void severitySummary(RoutingContext ctx) {
        aggregate(ctx, queries::countBySeverity, (json, counts) -> {
            json.writeNumberField("total", counts.total());
            json.writeObjectFieldStart("bySeverity");
            for (Severity severity : Severity.values()) {
                json.writeNumberField(severity.name(), counts.bySeverity().getOrDefault(severity.name(), 0L));
            }
            json.writeNumberField("NONE", counts.bySeverity().getOrDefault(null, 0L));
            json.writeEndObject();
        });
    }

    /** A filter over a time range, aggregated: the two endpoints differ only in the query and its fields. */
    private <T> void aggregate(RoutingContext ctx, AggregateQuery<T> query, AggregateBody<T> body) {
        MultiMap params = ctx.queryParams();
        List<FieldError> errors = new ArrayList<>();
        SearchFilters.checkNames(params, names(List.of()), true, errors);
        EventFilter filter = SearchFilters.parse(params, errors);
        TimeRange range = TimeRange.parse(params, clock.instant(), limits, errors);
        if (refused(ctx, errors)) {
            return;
        }
        query.run(filter, range.from(), range.to()).onComplete(result -> {
            if (result.failed()) {
                storeUnavailable(ctx, result.cause());
                return;
            }
            respond(ctx, json -> {
                writeRange(json, range);
                body.write(json, result.result());
            });
        });
    }

    private interface AggregateQuery<T> {
        Future<T> run(EventFilter filter, OffsetDateTime from, OffsetDateTime to);
    }

    private interface AggregateBody<T> {
        void write(JsonGenerator json, T result) throws IOException;
    }

    private static void writeRange(JsonGenerator json, TimeRange range) throws IOException {
        json.writeStringField("from", DateTimeFormatter.ISO_INSTANT.format(range.from()));
        json.writeStringField("to", DateTimeFormatter.ISO_INSTANT.format(range.to()));
    }

    // ---- GET /events/summary ----

    private void summary(RoutingContext ctx) {
        List<FieldError> errors = new ArrayList<>();
        SearchFilters.checkNames(ctx.queryParams(), List.of(), false, errors);
        if (refused(ctx, errors)) {
            return;
        }
        queries.summary().onComplete(result -> {
            if (result.failed()) {
                storeUnavailable(ctx, result.cause());
                return;
            }
            respond(ctx, json -> {
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
            });
        });
    }

    // ---- shared ----

    private static boolean refused(RoutingContext ctx, List<FieldError> errors) {
        if (errors.isEmpty()) {
            return false;
        }
        List<String> unknown = errors.stream().filter(e -> e.message().startsWith("unknown query parameter"))
                .map(FieldError::field).toList();
        String detail = unknown.isEmpty() ? "Fix the listed parameters"
                : "Unknown query parameter" + (unknown.size() > 1 ? "s: " : ": ") + String.join(", ", unknown);
        Problems.send(ctx, 400, "INVALID_QUERY", "Invalid query parameters", detail, errors, List.of(), null, 0);
        return true;
    }

    private interface JsonBody {
        void write(JsonGenerator json) throws IOException;
    }

    private static void respond(RoutingContext ctx, JsonBody body) {
        StringWriter out = new StringWriter(1024);
        try (JsonGenerator json = Problems.JSON.createGenerator(out)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            ctx.fail(e);
            return;
        }
        ctx.response().putHeader("Content-Type", "application/json").end(out.toString());
    }

    static void storeUnavailable(RoutingContext ctx, Throwable cause) {
        LOG.warnf("Query failed: %s", cause.toString());
        Problems.send(ctx, 503, "STORE_UNAVAILABLE", "PostgreSQL is unavailable", "The query could not be run; retry later",
                List.of(), List.of(), null, 2);
    }
}
