package com.waitingroom.ingest.api;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonGenerator;
import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.protocol.OtlpJsonDecoder;
import com.waitingroom.ingest.protocol.OtlpProtobufDecoder;
import com.waitingroom.ingest.protocol.RecordConverter;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code POST /v1/logs}, OTLP/HTTP logs (protobuf or JSON, optionally gzip). Answered after the
 * COMMIT with an {@code ExportLogsServiceResponse} in the request's encoding; records refused one by
 * one (retention, size) are counted in its {@code partial_success}, the rest is stored. Refusals
 * are OTLP {@code Status} messages in the request's encoding ({@link OtlpStatus}).
 */
@ApplicationScoped
public class OtlpLogsRoute {

    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";

    private final ProtocolRequests requests;
    private final CommittedIngest ingest;
    private final EventRoutes events;
    private final OtlpProtobufDecoder protobuf;
    private final OtlpJsonDecoder json;
    private final RecordConverter converter;

    public OtlpLogsRoute(ProtocolRequests requests, CommittedIngest ingest, EventRoutes events, IngestConfig config) {
        this.requests = requests;
        this.ingest = ingest;
        this.events = events;
        this.protobuf = new OtlpProtobufDecoder(config.limits().maxProtocolRecords());
        this.json = new OtlpJsonDecoder(config.limits().maxProtocolRecords());
        this.converter = new RecordConverter(Clock.systemUTC(), config.partitions().retentionDays(),
                config.limits().maxFutureSkew());
    }

    void register(@Observes Router router) {
        router.post("/v1/logs")
                .handler(BodyHandler.create(false).setBodyLimit(requests.maxBodyBytes()))
                .handler(this::export)
                .failureHandler(ctx -> {
                    OtlpStatus.mark(ctx); // a body over the limit is refused in OTLP's terms too
                    events.failure(ctx);
                });
    }

    private void export(RoutingContext ctx) {
        OtlpStatus.mark(ctx);
        String mediaType = EventRoutes.mediaType(ctx.request().getHeader("Content-Type"));
        boolean isProtobuf = PROTOBUF.equals(mediaType);
        if (!isProtobuf && !JSON.equals(mediaType)) {
            requests.unsupported(ctx, "Send OTLP logs as application/x-protobuf or application/json");
            return;
        }
        requests.decode(ctx, body -> converter.convert(isProtobuf ? protobuf.decode(body) : json.decode(body)), converted -> {
            requests.countRefusedRecords(converted.rejected());
            if (converted.events().isEmpty()) {
                respond(ctx, isProtobuf, converted);
            } else {
                ingest.accept(ctx, converted.events(), committed -> respond(committed, isProtobuf, converted));
            }
        });
    }

    private static void respond(RoutingContext ctx, boolean isProtobuf, RecordConverter.Converted converted) {
        Buffer body = isProtobuf ? protobufResponse(converted) : jsonResponse(converted);
        ctx.response().setStatusCode(200).putHeader("Content-Type", isProtobuf ? PROTOBUF : JSON).end(body);
    }

    /** ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1 { int64 rejected_log_records = 1; string error_message = 2 } }. */
    static Buffer protobufResponse(RecordConverter.Converted converted) {
        if (converted.rejected() == 0) {
            return Buffer.buffer(); // an empty message: full success
        }
        byte[] message = converted.rejectionMessage().getBytes(StandardCharsets.UTF_8);
        Buffer partial = Buffer.buffer();
        partial.appendByte((byte) 0x08);
        varint(partial, converted.rejected());
        partial.appendByte((byte) 0x12);
        varint(partial, message.length);
        partial.appendBytes(message);
        Buffer response = Buffer.buffer().appendByte((byte) 0x0A);
        varint(response, partial.length());
        return response.appendBuffer(partial);
    }

    static Buffer jsonResponse(RecordConverter.Converted converted) {
        if (converted.rejected() == 0) {
            return Buffer.buffer("{}");
        }
        StringWriter out = new StringWriter(128);
        try (JsonGenerator generator = Problems.JSON.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeObjectFieldStart("partialSuccess");
            // int64 is a string in the proto3 JSON mapping
            generator.writeStringField("rejectedLogRecords", Integer.toString(converted.rejected()));
            generator.writeStringField("errorMessage", converted.rejectionMessage());
            generator.writeEndObject();
            generator.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Buffer.buffer(out.toString());
    }

    /** A protobuf base-128 varint (the answers here are written by hand: two small messages). */
    static void varint(Buffer buffer, long value) {
        while ((value & ~0x7FL) != 0) {
            buffer.appendByte((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        buffer.appendByte((byte) value);
    }
}
