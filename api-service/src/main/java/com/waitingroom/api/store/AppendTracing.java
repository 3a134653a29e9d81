package com.waitingroom.api.store;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;

/**
 * The span of one command's append (events + outbox rows, one transaction), child of the HTTP
 * request's span, and the W3C trace context stored with its outbox rows: the relay continues the
 * trace from there, so it must name this span (not the request's) as the parent.
 */
@ApplicationScoped
public class AppendTracing {

    /** What an outbox row stores: W3C traceparent and tracestate (null when absent). */
    public record StoredTrace(String traceparent, String tracestate) {
        static final StoredTrace NONE = new StoredTrace(null, null);
    }

    private final Tracer tracer;

    public AppendTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Starts the append span under {@code parent} (the request's context, captured when it arrived). */
    public Span start(Context parent, AppendBatch batch) {
        return tracer.spanBuilder("event-store append")
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system.name", "postgresql")
                .setAttribute("db.operation.name", "append")
                .setAttribute("waitingroom.queue_id", batch.aggregateId())
                .setAttribute("waitingroom.event_count", batch.events().size())
                .setAttribute("waitingroom.event_types", String.join(",",
                        batch.events().stream().map(event -> event.eventType()).toList()))
                .startSpan();
    }

    /** The trace context to store with the outbox rows; NONE when there is no valid span. */
    public static StoredTrace stored(Span span) {
        if (!span.getSpanContext().isValid()) {
            return StoredTrace.NONE;
        }
        Map<String, String> carrier = new HashMap<>(4);
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, Map::put);
        return new StoredTrace(carrier.get("traceparent"), carrier.get("tracestate"));
    }

    /** Ends the span, marking it failed when the append failed. */
    public static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            span.recordException(failure);
        }
        span.end();
    }
}
