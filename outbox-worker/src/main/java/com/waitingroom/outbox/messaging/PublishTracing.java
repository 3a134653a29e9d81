package com.waitingroom.outbox.messaging;

import com.waitingroom.kernel.Routing;
import com.waitingroom.kernel.Traceparent;
import com.waitingroom.outbox.domain.OutboxRow;
import com.waitingroom.outbox.domain.PublishOutcome;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.jboss.logging.MDC;

import java.util.List;
import java.util.Map;

/**
 * The trace of a relayed row. A row whose stored traceparent is sampled gets a PRODUCER span (child
 * of the api's append span) that lasts until the broker's verdict, and the message carries that
 * span's context. An unsampled one (tracing off, the default) costs no OpenTelemetry work: its
 * stored traceparent is forwarded as is. A row without one (written before tracing) gets neither.
 * While a row is handled the relay thread's MDC names its trace, so its log lines carry it.
 */
public final class PublishTracing {

    /** MDC keys, the same quarkus-opentelemetry uses on request threads. */
    static final String MDC_TRACE_ID = "traceId";
    static final String MDC_SPAN_ID = "spanId";

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<OutboxRow> STORED = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(OutboxRow row) {
            return List.of(Routing.Headers.TRACEPARENT, Routing.Headers.TRACESTATE);
        }

        @Override
        public String get(OutboxRow row, String key) {
            if (row == null) {
                return null;
            }
            return Routing.Headers.TRACEPARENT.equals(key) ? row.traceparent()
                    : Routing.Headers.TRACESTATE.equals(key) ? row.tracestate() : null;
        }
    };

    private final Tracer tracer;
    private final String exchange;

    public PublishTracing(Tracer tracer, String exchange) {
        this.tracer = tracer;
        this.exchange = exchange;
    }

    /** One row's trace while it is relayed: its headers, and the span to end (null if not recorded). */
    public record RowTrace(String traceparent, String tracestate, Span span) {
        static final RowTrace NONE = new RowTrace(null, null, null);

        void addHeaders(Map<String, Object> headers) {
            if (traceparent != null) {
                headers.put(Routing.Headers.TRACEPARENT, traceparent);
            }
            if (tracestate != null && !tracestate.isEmpty()) {
                headers.put(Routing.Headers.TRACESTATE, tracestate);
            }
        }

        /** Puts the trace into this thread's MDC (a no-op without one); {@link #leave()} removes it. */
        void enter() {
            if (Traceparent.isValid(traceparent)) {
                MDC.put(MDC_TRACE_ID, Traceparent.traceId(traceparent));
                MDC.put(MDC_SPAN_ID, Traceparent.spanId(traceparent));
            }
        }

        void leave() {
            if (traceparent != null) {
                MDC.remove(MDC_TRACE_ID);
                MDC.remove(MDC_SPAN_ID);
            }
        }
    }

    /** Starts the row's trace (its producer span if its trace is sampled). */
    public RowTrace start(OutboxRow row) {
        String stored = row.traceparent();
        if (!Traceparent.isValid(stored)) { // none stored, or not one the api wrote: not forwarded
            return RowTrace.NONE;
        }
        if (!Traceparent.isSampled(stored)) {
            return new RowTrace(stored, row.tracestate(), null);
        }
        Context parent = W3C.extract(Context.root(), row, STORED);
        Span span = tracer.spanBuilder(exchange + " publish")
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "rabbitmq")
                .setAttribute("messaging.operation.type", "send")
                .setAttribute("messaging.destination.name", exchange)
                .setAttribute("messaging.rabbitmq.destination.routing_key", row.routingKey())
                .setAttribute("messaging.message.id", row.eventId().toString())
                .setAttribute("waitingroom.queue_id", row.aggregateId())
                .setAttribute("waitingroom.event_type", row.eventType())
                .setAttribute("waitingroom.outbox.attempt", row.attempts() + 1)
                .startSpan();
        if (!span.getSpanContext().isValid()) { // tracing disabled (noop SDK): forward what is stored
            return new RowTrace(stored, row.tracestate(), null);
        }
        Map<String, String> carrier = new java.util.HashMap<>(4);
        W3C.inject(Context.root().with(span), carrier, Map::put);
        return new RowTrace(carrier.get(Routing.Headers.TRACEPARENT), carrier.get(Routing.Headers.TRACESTATE), span);
    }

    /** Ends the row's span with the broker's verdict (or the reason it was not published). */
    public static void finish(RowTrace trace, PublishOutcome outcome) {
        if (trace.span() == null) {
            return;
        }
        if (outcome != null && !outcome.confirmed()) {
            trace.span().setStatus(StatusCode.ERROR, outcome.status() + ": " + outcome.detail());
        }
        trace.span().end();
    }

    /** Ends the span of a row that was not published (malformed, or held back behind its predecessor). */
    public static void abandon(RowTrace trace, String reason) {
        if (trace.span() != null) {
            trace.span().setStatus(StatusCode.ERROR, reason);
            trace.span().end();
        }
    }
}
