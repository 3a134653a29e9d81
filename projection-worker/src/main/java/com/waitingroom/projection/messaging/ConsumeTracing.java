package com.waitingroom.projection.messaging;

import com.rabbitmq.client.Delivery;
import com.waitingroom.kernel.Routing;
import com.waitingroom.kernel.Traceparent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.jboss.logging.MDC;

import java.util.Map;

/**
 * The trace of a delivery, from the relay's `traceparent` / `tracestate` headers. A sampled one gets
 * a CONSUMER span (child of the relay's publish span) from receipt until the event is committed and
 * acknowledged; an unsampled one (tracing off, the default) costs no OpenTelemetry work and only
 * names its trace in the logs; a message without the headers is applied untraced.
 */
final class ConsumeTracing {

    /** MDC keys, the same quarkus-opentelemetry uses on request threads. */
    static final String MDC_TRACE_ID = "traceId";
    static final String MDC_SPAN_ID = "spanId";

    private static final TextMapGetter<Map<String, Object>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> headers) {
            return headers.keySet();
        }

        @Override
        public String get(Map<String, Object> headers, String key) {
            Object value = headers == null ? null : headers.get(key);
            return value == null ? null : value.toString(); // AMQP strings arrive as LongString
        }
    };

    private final Tracer tracer;
    private final String queue;

    ConsumeTracing(Tracer tracer, String queue) {
        this.tracer = tracer;
        this.queue = queue;
    }

    /** A delivery's trace: ids for the MDC and the span to end (null when not recorded). */
    record DeliveryTrace(String traceId, String spanId, Span span) {
        static final DeliveryTrace NONE = new DeliveryTrace(null, null, null);

        void enter() {
            if (traceId != null) {
                MDC.put(MDC_TRACE_ID, traceId);
                MDC.put(MDC_SPAN_ID, spanId);
            }
        }

        void leave() {
            if (traceId != null) {
                MDC.remove(MDC_TRACE_ID);
                MDC.remove(MDC_SPAN_ID);
            }
        }

        /** Ends the span: applied (failure null) or not (dead-lettered, batch aborted). */
        void end(String failure) {
            if (span == null) {
                return;
            }
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, failure);
            }
            span.end();
        }
    }

    DeliveryTrace start(Delivery delivery) {
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        String traceparent = HEADERS.get(headers, Routing.Headers.TRACEPARENT);
        if (!Traceparent.isValid(traceparent)) { // absent or forged: its text never reaches a log line
            return DeliveryTrace.NONE;
        }
        if (!Traceparent.isSampled(traceparent)) {
            return new DeliveryTrace(Traceparent.traceId(traceparent), Traceparent.spanId(traceparent), null);
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
        Span span = tracer.spanBuilder(queue + " process")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "rabbitmq")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", queue)
                .setAttribute("messaging.rabbitmq.destination.routing_key", delivery.getEnvelope().getRoutingKey())
                .setAttribute("messaging.message.id", String.valueOf(delivery.getProperties().getMessageId()))
                .startSpan();
        if (!span.getSpanContext().isValid()) { // tracing disabled (noop SDK): name the relay's span
            return new DeliveryTrace(Traceparent.traceId(traceparent), Traceparent.spanId(traceparent), null);
        }
        return new DeliveryTrace(span.getSpanContext().getTraceId(), span.getSpanContext().getSpanId(), span);
    }
}
