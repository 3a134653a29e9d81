package com.waitingroom.projection;

import com.rabbitmq.client.AMQP;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.Routing;
import io.quarkus.test.junit.QuarkusTest;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static com.waitingroom.projection.Api.viewer;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Messages with a sampled, an unsampled and no `traceparent` header are all applied, and the
 * consumer thread's log line about each event carries that event's trace id in its MDC (the sampled
 * one under the consumer span's own span id).
 */
@QuarkusTest
class TracedDeliveryTest extends PublishingTest {

    private static final EventCodec CODEC = EventCodec.standard();
    private static final String RELAY_SPAN = "53995c3f42cd8ad8";

    @Test
    void appliesMessagesWithAndWithoutTraceContextAndLogsEachUnderItsTrace() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("traced")).created()
                .checkIn("P-1", "Ana", Priority.HIGH).checkIn("P-2", "Bo", Priority.HIGH);
        String sampledTrace = newTraceId();
        String unsampledTrace = newTraceId();
        Logger consumerLog = Logger.getLogger("com.waitingroom.projection.messaging.ProjectionConsumer");
        Level before = consumerLog.getLevel();
        consumerLog.setLevel(Level.FINE); // its per-event DEBUG line "applied event …"
        MdcCapture captured = new MdcCapture();
        Logger.getLogger("").addHandler(captured);
        try {
            publish(stream.version(1), null);
            publish(stream.version(2), "00-" + unsampledTrace + "-" + RELAY_SPAN + "-00");
            publish(stream.version(3), "00-" + sampledTrace + "-" + RELAY_SPAN + "-01");

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> viewer()
                    .get("/api/waiting-rooms/{q}/queue", stream.queueId).then().statusCode(200)
                    .body("cashierLine.patientId", contains("P-1", "P-2")));
            await().atMost(Duration.ofSeconds(5)).until(() -> captured.about(stream.version(3)) != null);
        } finally {
            Logger.getLogger("").removeHandler(captured);
            consumerLog.setLevel(before);
        }

        String[] untraced = captured.about(stream.version(1));
        assertNull(untraced[0], "no traceparent: no trace id in the log line");
        String[] unsampled = captured.about(stream.version(2));
        assertEquals(unsampledTrace, unsampled[0]);
        assertEquals(RELAY_SPAN, unsampled[1], "not recorded here: the relay's span is named");
        String[] sampled = captured.about(stream.version(3));
        assertEquals(sampledTrace, sampled[0]);
        assertNotEquals(RELAY_SPAN, sampled[1], "recorded: the consumer span, child of the relay's");
    }

    private static void publish(EventEnvelope envelope, String traceparent) throws Exception {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Routing.Headers.AGGREGATE_ID, envelope.aggregateId());
        headers.put(Routing.Headers.AGGREGATE_VERSION, envelope.version());
        headers.put(Routing.Headers.EVENT_TYPE, envelope.eventType());
        headers.put(Routing.Headers.SCHEMA_VERSION, envelope.schemaVersion());
        headers.put(Routing.Headers.OCCURRED_AT, envelope.occurredAt().toEpochMilli());
        headers.put(Routing.Headers.PUBLISHED_AT, System.currentTimeMillis());
        if (traceparent != null) {
            headers.put(Routing.Headers.TRACEPARENT, traceparent);
        }
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType(Routing.CONTENT_TYPE).deliveryMode(2).messageId(envelope.eventId().toString())
                .type(envelope.eventType()).headers(headers).build();
        events.publishRaw(Routing.routingKey(envelope.eventType()), properties, CODEC.encode(envelope));
    }

    private static String newTraceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** The MDC trace and span ids of the log lines that name an event id. */
    private static final class MdcCapture extends Handler {
        private final Queue<String[]> lines = new ConcurrentLinkedQueue<>();

        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext && ext.getFormattedMessage() != null) {
                lines.add(new String[] {ext.getFormattedMessage(), ext.getMdc("traceId"), ext.getMdc("spanId")});
            }
        }

        /** [traceId, spanId] of the "applied event" line of this event, or null. */
        String[] about(EventEnvelope envelope) {
            return lines.stream()
                    .filter(line -> line[0].contains("applied event " + envelope.eventId()))
                    .map(line -> new String[] {line[1], line[2]})
                    .findFirst().orElse(null);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

}
