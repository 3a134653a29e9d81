package com.waitingroom.system;

import com.waitingroom.testsupport.FreePorts;
import io.restassured.http.ContentType;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One check-in followed across the pipeline: the packaged services export their spans over
 * OTLP/HTTP (protobuf) to a receiver inside this test, configured only through the environment
 * variables the README documents. The check-in's trace must hold the api's request and append
 * spans, the relay's publish span under the append span, and the projection's consumer span under
 * the publish span; the workers' log lines about its events carry its trace id.
 */
class TracingIT {

    private static OtlpTraceReceiver receiver;
    private static Suite suite;

    @BeforeAll
    static void startSuiteExportingToTheReceiver() throws Exception {
        receiver = new OtlpTraceReceiver(FreePorts.next());
        suite = Suite.startWith(Map.of(
                "OTEL_TRACES_SAMPLER_ARG", "1",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.endpoint(),
                "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
                "OTEL_BSP_SCHEDULE_DELAY", "200ms",
                // the workers' per-message DEBUG lines ("relayed event …", "applied event …")
                "QUARKUS_LOG_CATEGORY__COM_WAITINGROOM_OUTBOX_MESSAGING__LEVEL", "DEBUG",
                "QUARKUS_LOG_CATEGORY__COM_WAITINGROOM_PROJECTION_MESSAGING__LEVEL", "DEBUG"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (suite != null) {
            suite.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void oneCheckInIsOneTraceFromTheRequestThroughTheOutboxAndRabbitMqToTheProjection() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String clientSpan = "0123456789abcdef";
        String queueId = "TRACE-" + traceId.substring(0, 8).toUpperCase();
        given().header("Authorization", suite.bearer("receptionist")).contentType(ContentType.JSON)
                .header("traceparent", "00-" + traceId + "-" + clientSpan + "-01")
                .body(Map.of("patientId", "P-1", "patientName", "Ana", "priority", "High",
                        "consultationType", "General"))
                .post(suite.api.baseUrl() + "/api/waiting-rooms/{q}/check-ins", queueId)
                .then().statusCode(201);

        // Two events (queue created, patient checked in): one publish and one consumer span each.
        // The server span ends after the response and is exported in its own batch: wait for it too.
        awaitOrExplain(traceId, () -> count(traceId, "projection-worker", "CONSUMER") == 2
                && count(traceId, "outbox-worker", "PRODUCER") == 2 && count(traceId, "api-service", "SERVER") == 1);
        List<OtlpTraceReceiver.ReceivedSpan> trace = receiver.spansOf(traceId);

        OtlpTraceReceiver.ReceivedSpan server = only(trace, "api-service", "SERVER");
        assertEquals(clientSpan, server.parentSpanId(), "the request continues the caller's trace");
        OtlpTraceReceiver.ReceivedSpan append = only(trace, "api-service", "CLIENT");
        assertEquals("event-store append", append.name());
        assertTrue(isDescendant(trace, append, server), "the append runs inside the request: " + describe(trace));
        for (OtlpTraceReceiver.ReceivedSpan publish : of(trace, "outbox-worker", "PRODUCER")) {
            assertEquals(append.spanId(), publish.parentSpanId(), "relay span under the append span");
        }
        List<String> publishIds = of(trace, "outbox-worker", "PRODUCER").stream()
                .map(OtlpTraceReceiver.ReceivedSpan::spanId).toList();
        for (OtlpTraceReceiver.ReceivedSpan consume : of(trace, "projection-worker", "CONSUMER")) {
            assertTrue(publishIds.contains(consume.parentSpanId()), "consumer span under a publish span: "
                    + describe(trace));
        }
        assertEquals(2, of(trace, "projection-worker", "CONSUMER").stream()
                .map(OtlpTraceReceiver.ReceivedSpan::parentSpanId).distinct().count(), "one per message");
        assertTrue(receiver.rejected().isEmpty(), "undecodable exports: " + receiver.rejected());

        // The worker threads' log lines about this check-in's messages carry its trace id.
        assertEquals(2, linesOf(suite.outbox, "relayed event", traceId).size(), suite.outbox.logTail());
        assertEquals(2, linesOf(suite.projection, "applied event", traceId).size(), suite.projection.logTail());
        assertFalse(linesOf(suite.projection, "applied event", queueId).stream()
                .anyMatch(line -> !line.contains(traceId)), "every line about its events names the trace");
    }

    private static long count(String traceId, String service, String kind) {
        return of(receiver.spansOf(traceId), service, kind).size();
    }

    private static List<OtlpTraceReceiver.ReceivedSpan> of(List<OtlpTraceReceiver.ReceivedSpan> trace,
                                                           String service, String kind) {
        return trace.stream().filter(span -> span.service().equals(service) && span.kind().equals("SPAN_KIND_" + kind))
                .toList();
    }

    private static OtlpTraceReceiver.ReceivedSpan only(List<OtlpTraceReceiver.ReceivedSpan> trace, String service,
                                                       String kind) {
        List<OtlpTraceReceiver.ReceivedSpan> found = of(trace, service, kind);
        assertEquals(1, found.size(), service + " " + kind + " spans: " + describe(trace));
        return found.get(0);
    }

    private static boolean isDescendant(List<OtlpTraceReceiver.ReceivedSpan> trace,
                                        OtlpTraceReceiver.ReceivedSpan span, OtlpTraceReceiver.ReceivedSpan ancestor) {
        Optional<OtlpTraceReceiver.ReceivedSpan> current = Optional.of(span);
        for (int depth = 0; depth < 20 && current.isPresent(); depth++) {
            String parent = current.get().parentSpanId();
            if (parent.equals(ancestor.spanId())) {
                return true;
            }
            current = trace.stream().filter(candidate -> candidate.spanId().equals(parent)).findFirst();
        }
        return false;
    }

    private static List<String> linesOf(ServiceProcess service, String message, String mustContain) {
        return service.logLines().stream().filter(line -> line.contains(message) && line.contains(mustContain))
                .toList();
    }

    private static String describe(List<OtlpTraceReceiver.ReceivedSpan> trace) {
        return trace.stream().map(span -> span.service() + " " + span.kind() + " '" + span.name() + "' "
                + span.spanId() + " <- " + span.parentSpanId()).collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    private static void awaitOrExplain(String traceId, Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("spans of the trace so far:" + describe(receiver.spansOf(traceId))
                    + "\nall spans received: " + receiver.spans().size()
                    + "\n--- api-service ---\n" + suite.api.logTail()
                    + "\n--- outbox-worker ---\n" + suite.outbox.logTail()
                    + "\n--- projection-worker ---\n" + suite.projection.logTail(), e);
        }
    }
}
