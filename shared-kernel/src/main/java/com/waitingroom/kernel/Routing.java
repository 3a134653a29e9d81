package com.waitingroom.kernel;

/** Names shared by the publisher (outbox-worker) and the consumers (projection-worker). */
public final class Routing {

    /** Durable topic exchange every domain event is published to. Overridable per deployment. */
    public static final String EVENTS_EXCHANGE = "waiting-room.events";
    /** Exchange that receives messages a consumer gave up on. */
    public static final String DEAD_LETTER_EXCHANGE = "waiting-room.events.dlx";
    /** Binding key that matches every event type. */
    public static final String ALL_EVENTS = "#";
    public static final String CONTENT_TYPE = "application/json";

    private Routing() {
    }

    /** The routing key of an event is its type name, so consumers can bind to single types. */
    public static String routingKey(String eventType) {
        return eventType;
    }

    /** AMQP header names set by the relay on every message. */
    public static final class Headers {
        public static final String CORRELATION_ID = "correlation-id";
        public static final String CAUSATION_ID = "causation-id";
        public static final String AGGREGATE_ID = "aggregate-id";
        public static final String AGGREGATE_VERSION = "aggregate-version";
        public static final String EVENT_TYPE = "event-type";
        public static final String SCHEMA_VERSION = "schema-version";
        /** Epoch millis at which the event was committed (occurred-at). */
        public static final String OCCURRED_AT = "occurred-at";
        /** Epoch millis at which the relay published the message. */
        public static final String PUBLISHED_AT = "published-at";
        /**
         * W3C trace context (https://www.w3.org/TR/trace-context/) of the relay's publish span, or of
         * the request that appended the event when the relay does not record it; absent on events
         * appended without one. Consumers continue the trace from it.
         */
        public static final String TRACEPARENT = "traceparent";
        /** Vendor trace state that travels with {@link #TRACEPARENT}, when there is any. */
        public static final String TRACESTATE = "tracestate";
        /** Set by consumers on dead-lettered messages. */
        public static final String DEAD_LETTER_REASON = "x-dead-letter-reason";

        private Headers() {
        }
    }
}
