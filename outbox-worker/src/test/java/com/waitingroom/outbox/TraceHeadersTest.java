package com.waitingroom.outbox;

import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Routing;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay puts the trace context stored with an outbox row into the message's `traceparent` /
 * `tracestate` headers (read back from a queue bound to the exchange): a sampled trace continues
 * under the relay's producer span, an unsampled one is forwarded as stored, a row without one is
 * relayed without the headers.
 */
@QuarkusTest
@QuarkusTestResource(OutboxTestInfra.class)
class TraceHeadersTest {

    private static final String CALLER_SPAN = "b7ad6b7169203331";

    @Test
    void aSampledTraceContinuesUnderTheRelaysProducerSpan() throws Exception {
        String traceId = newTraceId();
        Map<String, Object> headers = relay("00-" + traceId + "-" + CALLER_SPAN + "-01", "vendor=1");

        String traceparent = headers.get(Routing.Headers.TRACEPARENT).toString();
        assertTrue(traceparent.matches("00-" + traceId + "-[0-9a-f]{16}-01"), traceparent);
        assertNotEquals(CALLER_SPAN, traceparent.substring(36, 52), "the parent is the relay's own publish span");
        assertEquals("vendor=1", headers.get(Routing.Headers.TRACESTATE).toString());
    }

    @Test
    void anUnsampledTraceIsForwardedAsStored() throws Exception {
        String stored = "00-" + newTraceId() + "-" + CALLER_SPAN + "-00";
        Map<String, Object> headers = relay(stored, null);

        assertEquals(stored, headers.get(Routing.Headers.TRACEPARENT).toString());
        assertFalse(headers.containsKey(Routing.Headers.TRACESTATE));
    }

    @Test
    void aRowWithoutTraceContextIsRelayedWithoutTheHeaders() throws Exception {
        Map<String, Object> headers = relay(null, null);

        assertFalse(headers.containsKey(Routing.Headers.TRACEPARENT));
        assertFalse(headers.containsKey(Routing.Headers.TRACESTATE));
        assertTrue(headers.containsKey(Routing.Headers.AGGREGATE_ID), "the rest of the wire contract is there");
    }

    /** Commits one outbox row with this trace context and returns the headers of its message. */
    private static Map<String, Object> relay(String traceparent, String tracestate) throws Exception {
        String queueId = "trace-" + UUID.randomUUID();
        EventEnvelope envelope = TestOutbox.checkIn(queueId, 1);
        try (TestConsumer consumer = new TestConsumer("#")) {
            try (Connection connection = TestOutbox.connect()) {
                connection.setAutoCommit(false);
                long id = TestOutbox.append(connection, List.of(envelope)).get(0);
                try (PreparedStatement statement = connection.prepareStatement(
                        "UPDATE outbox SET traceparent = ?, tracestate = ? WHERE id = ?")) {
                    statement.setString(1, traceparent);
                    statement.setString(2, tracestate);
                    statement.setLong(3, id);
                    statement.executeUpdate();
                }
                connection.commit();
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.forAggregates(Set.of(queueId)).size() == 1);
            return consumer.forAggregates(Set.of(queueId)).get(0).properties().getHeaders();
        }
    }

    private static String newTraceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
