package com.waitingroom.ingest.api;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonGenerator;
import com.waitingroom.http.Problem;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * OTLP/HTTP error answers: the spec requires a {@code google.rpc.Status} body for every 4xx/5xx, in the
 * request's encoding (protobuf or JSON), so an exporter can log why it was refused. The status code,
 * Retry-After and the correlation-id header are the same as the problem+json answer elsewhere; the
 * message carries the problem's code and detail.
 */
final class OtlpStatus {

    /** Routing-context key: the OTLP encoding of this request ({@link OtlpLogsRoute#PROTOBUF} or JSON). */
    static final String ENCODING = "otlp.encoding";

    private OtlpStatus() {
    }

    /** Marks the request as OTLP when its media type is one of OTLP's, so its errors are answered as Status. */
    static void mark(RoutingContext ctx) {
        String mediaType = EventRoutes.mediaType(ctx.request().getHeader("Content-Type"));
        if (OtlpLogsRoute.PROTOBUF.equals(mediaType) || OtlpLogsRoute.JSON.equals(mediaType)) {
            ctx.put(ENCODING, mediaType);
        }
    }

    static boolean requested(RoutingContext ctx) {
        return ctx.get(ENCODING) != null;
    }

    static void send(RoutingContext ctx, Problem problem) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed() || response.headWritten()) {
            return;
        }
        boolean protobuf = OtlpLogsRoute.PROTOBUF.equals(ctx.get(ENCODING));
        String message = problem.code() + ": " + problem.detail();
        int code = grpcCode(problem.status());
        response.setStatusCode(problem.status()).putHeader("Content-Type", protobuf ? OtlpLogsRoute.PROTOBUF : OtlpLogsRoute.JSON);
        if (problem.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Long.toString(problem.retryAfterSeconds()));
        }
        response.end(protobuf ? protobuf(code, message) : json(code, message));
    }

    /** The gRPC code closest to an HTTP status (the spec says clients only record it). */
    static int grpcCode(int httpStatus) {
        return switch (httpStatus) {
            case 400, 413, 415, 422 -> 3; // INVALID_ARGUMENT
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7; // PERMISSION_DENIED
            case 404 -> 5; // NOT_FOUND
            case 429 -> 8; // RESOURCE_EXHAUSTED
            case 503 -> 14; // UNAVAILABLE
            default -> httpStatus >= 500 ? 13 : 2; // INTERNAL, UNKNOWN
        };
    }

    /** Status { int32 code = 1; string message = 2; } */
    static Buffer protobuf(int code, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        Buffer out = Buffer.buffer(text.length + 8).appendByte((byte) 0x08);
        OtlpLogsRoute.varint(out, code);
        out.appendByte((byte) 0x12);
        OtlpLogsRoute.varint(out, text.length);
        return out.appendBytes(text);
    }

    static Buffer json(int code, String message) {
        StringWriter out = new StringWriter(message.length() + 32);
        try (JsonGenerator generator = Problems.JSON.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeNumberField("code", code);
            generator.writeStringField("message", message);
            generator.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Buffer.buffer(out.toString());
    }
}
