package com.waitingroom.ingest.api;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.protocol.LokiPushDecoder;
import com.waitingroom.ingest.protocol.RecordConverter;
import com.waitingroom.ingest.protocol.Snappy;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code POST /loki/api/v1/push}, Loki's push API: JSON (optionally gzip) or snappy-compressed
 * protobuf {@code logproto.PushRequest} (Promtail, Alloy, loki4j). 204 after the COMMIT, like Loki.
 * Like Loki, lines refused one by one (retention, size) get a 400 naming them while the other lines
 * of the request are stored (a retry stores nothing twice: event ids are derived from the content).
 */
@ApplicationScoped
public class LokiPushRoute {

    private final ProtocolRequests requests;
    private final CommittedIngest ingest;
    private final EventRoutes events;
    private final LokiPushDecoder decoder;
    private final RecordConverter converter;

    public LokiPushRoute(ProtocolRequests requests, CommittedIngest ingest, EventRoutes events, IngestConfig config) {
        this.requests = requests;
        this.ingest = ingest;
        this.events = events;
        this.decoder = new LokiPushDecoder(config.limits().maxProtocolRecords());
        this.converter = new RecordConverter(Clock.systemUTC(), config.partitions().retentionDays(),
                config.limits().maxFutureSkew());
    }

    void register(@Observes Router router) {
        router.post("/loki/api/v1/push")
                .handler(BodyHandler.create(false).setBodyLimit(requests.maxBodyBytes()))
                .handler(this::push)
                .failureHandler(events::failure);
    }

    private void push(RoutingContext ctx) {
        String mediaType = EventRoutes.mediaType(ctx.request().getHeader("Content-Type"));
        if (OtlpLogsRoute.JSON.equals(mediaType)) {
            requests.decode(ctx, body -> converter.convert(decoder.decodeJson(body)), converted -> store(ctx, converted));
        } else if (mediaType == null || OtlpLogsRoute.PROTOBUF.equals(mediaType)) {
            // Loki's own rule: no content type means protobuf; its body is snappy block compressed
            int max = requests.maxBodyBytes();
            requests.decode(ctx, body -> converter.convert(decoder.decodeProtobuf(Snappy.decompress(body, max))),
                    converted -> store(ctx, converted));
        } else {
            requests.unsupported(ctx, "Send Loki pushes as application/x-protobuf (snappy) or application/json");
        }
    }

    private void store(RoutingContext ctx, RecordConverter.Converted converted) {
        requests.countRefusedRecords(converted.rejected());
        if (converted.events().isEmpty()) {
            answer(ctx, converted);
        } else {
            ingest.accept(ctx, converted.events(), committed -> answer(committed, converted));
        }
    }

    private static void answer(RoutingContext ctx, RecordConverter.Converted converted) {
        if (converted.rejected() == 0) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        Problems.send(ctx, 400, "RECORDS_REJECTED", "Some lines were rejected",
                converted.rejectionMessage() + (converted.events().isEmpty() ? "; nothing was stored"
                        : "; the other " + converted.events().size() + " lines were stored"),
                List.of(), List.of(), null, 0);
    }
}
