package com.waitingroom.ingest.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.domain.IngestEvent;
import com.waitingroom.ingest.store.EventWriter;
import com.waitingroom.ingest.store.PendingWrite;
import com.waitingroom.ingest.store.IngestRejectedException;
import com.waitingroom.ingest.store.StoreRejectedEventException;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The write path every ingest route shares (POST /events, OTLP, Loki): rate limits, the writer's
 * queue, and an answer only after the COMMIT — or a 429/503 + Retry-After when nothing was taken,
 * or 503 NOT_YET_DURABLE at the ack timeout. Each protocol only says how a success is written.
 */
@ApplicationScoped
public class CommittedIngest {

    private final EventWriter writer;
    private final ClientRateLimiter rateLimiter;
    private final IngestConfig config;
    private final ShutdownDrain shutdown;

    public CommittedIngest(EventWriter writer, ClientRateLimiter rateLimiter, IngestConfig config, ShutdownDrain shutdown) {
        this.writer = writer;
        this.rateLimiter = rateLimiter;
        this.config = config;
        this.shutdown = shutdown;
    }

    /**
     * Queues the events and calls {@code onCommitted} on the request's context once they are
     * committed; every other outcome is answered here as a problem. Must run on the request's context.
     */
    public void accept(RoutingContext ctx, List<IngestEvent> events, Consumer<RoutingContext> onCommitted) {
        ClientRateLimiter.Refusal refused = rateLimiter.tryAcquire(ctx.request().remoteAddress().hostAddress(),
                rateLimiter.limitsSubjects() ? EventRoutes.subject(ctx) : null, events.size());
        if (refused != null) {
            writer.countRejected("rate_limited", events.size());
            Problems.rateLimited(ctx, refused);
            return;
        }
        PendingWrite write;
        // counted before the writer can take it, so a shutdown that starts meanwhile waits for its answer
        shutdown.accepted();
        try {
            write = writer.submit(events);
        } catch (IngestRejectedException e) {
            shutdown.answered();
            notStored(ctx, e);
            return;
        }
        Context context = Vertx.currentContext();
        AtomicBoolean answered = new AtomicBoolean();
        long timer = ctx.vertx().setTimer(config.writer().ackTimeout().toMillis(), id -> {
            if (answered.compareAndSet(false, true)) {
                try {
                    writer.countRejected("ack_timeout", events.size());
                    Problems.send(ctx, 503, "NOT_YET_DURABLE", "Not yet committed",
                            "The events were accepted but not committed within " + config.writer().ackTimeout().toSeconds()
                                    + " s; they may still be stored. Retry with the same eventIds (listed; OTLP and Loki"
                                    + " requests: the same request) to avoid duplicates",
                            List.of(), List.of(), ids(events), 5);
                } finally {
                    shutdown.answered();
                }
            }
        });
        write.committed().whenComplete((ok, error) -> context.runOnContext(ignored -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            ctx.vertx().cancelTimer(timer);
            try {
                if (error == null) {
                    if (!ctx.response().closed()) {
                        // a client that gave up finds its events stored; a retry derives the same ids
                        onCommitted.accept(ctx);
                    }
                } else {
                    answerFailed(ctx, events, error);
                }
            } finally {
                shutdown.answered();
            }
        }));
    }

    private void answerFailed(RoutingContext ctx, List<IngestEvent> events, Throwable error) {
        if (error instanceof IngestRejectedException rejected) {
            notStored(ctx, rejected);
        } else if (error instanceof StoreRejectedEventException) {
            writer.countRejected("store_rejected", events.size());
            Problems.send(ctx, 422, "STORE_REJECTED", "Rejected by the database",
                    "PostgreSQL refused these events: " + error.getMessage(), List.of(), List.of(), null, 0);
        } else {
            ctx.fail(error);
        }
    }

    private static void notStored(RoutingContext ctx, IngestRejectedException rejected) {
        IngestRejectedException.Reason reason = rejected.reason();
        Problems.send(ctx, reason.status, reason.name(), reason.title,
                reason.title + "; nothing was stored, retry after " + rejected.retryAfterSeconds() + " s",
                List.of(), List.of(), null, rejected.retryAfterSeconds());
    }

    private static List<String> ids(List<IngestEvent> events) {
        List<String> ids = new ArrayList<>(events.size());
        for (IngestEvent event : events) {
            ids.add(event.eventId());
        }
        return ids;
    }
}
