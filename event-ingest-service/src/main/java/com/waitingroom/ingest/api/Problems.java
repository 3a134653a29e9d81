package com.waitingroom.ingest.api;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.waitingroom.ingest.domain.FieldError;

import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem responses with the suite's {@code code} and {@code errors} extensions. */
final class Problems {

    static final JsonFactory JSON = new JsonFactory();
    private static final String TYPE_BASE = "https://waitingroom.local/problems/";

    private Problems() {
    }

    static void send(RoutingContext ctx, int status, String code, String title, String detail) {
        send(ctx, status, code, title, detail, List.of(), List.of(), null, 0);
    }

    static void send(RoutingContext ctx, int status, String code, String title, String detail,
            List<FieldError> errors, List<Integer> failedItems, List<String> eventIds, long retryAfterSeconds) {
        send(ctx, status, code, title, detail, errors, failedItems, eventIds, retryAfterSeconds, null, null);
    }

    /** 429 RATE_LIMITED naming the limit that refused the request ({@code limit}: client-address or subject). */
    static void rateLimited(RoutingContext ctx, ClientRateLimiter.Refusal refusal) {
        send(ctx, 429, "RATE_LIMITED", "Too many events", refusal.detail(), List.of(), List.of(), null,
                refusal.retryAfterSeconds(), "limit", refusal.limit().key);
    }

    private static void send(RoutingContext ctx, int status, String code, String title, String detail,
            List<FieldError> errors, List<Integer> failedItems, List<String> eventIds, long retryAfterSeconds,
            String extensionName, String extensionValue) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", TYPE_BASE + code.toLowerCase(Locale.ROOT).replace('_', '-'));
            json.writeStringField("title", title);
            json.writeNumberField("status", status);
            json.writeStringField("detail", detail);
            json.writeStringField("code", code);
            String correlationId = CorrelationIds.of(ctx);
            if (correlationId != null) {
                json.writeStringField("correlationId", correlationId);
            }
            if (extensionName != null) {
                json.writeStringField(extensionName, extensionValue);
            }
            if (!errors.isEmpty()) {
                json.writeArrayFieldStart("errors");
                for (FieldError error : errors) {
                    json.writeStartObject();
                    json.writeStringField("field", error.field());
                    json.writeStringField("message", error.message());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            if (!failedItems.isEmpty()) {
                json.writeArrayFieldStart("failedItems");
                for (int index : failedItems) {
                    json.writeNumber(index);
                }
                json.writeEndArray();
            }
            if (eventIds != null) {
                json.writeArrayFieldStart("eventIds");
                for (String id : eventIds) {
                    json.writeString(id);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a problem response", e);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json");
        if (retryAfterSeconds > 0) {
            ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
        ctx.response().end(out.toString());
    }
}
