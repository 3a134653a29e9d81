package com.waitingroom.ingest.api;

import static org.hamcrest.Matchers.startsWith;

import static com.waitingroom.ingest.auth.Tokens.asReader;
import static com.waitingroom.ingest.auth.Tokens.asWriter;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.auth.Tokens;
import com.waitingroom.security.Roles;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** POST /v1/logs with the OpenTelemetry Java SDK's own OTLP/HTTP exporter, and hand-built OTLP/JSON. */
@QuarkusTest
public class OtlpLogsTest {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String SPAN_ID = "00f067aa0ba902b7";

    /** Log records as the SDK builds them, captured so the same data can be exported twice (a retry). */
    static List<LogRecordData> sdkRecords(String service, int count) {
        List<LogRecordData> captured = new ArrayList<>();
        LogRecordProcessor capture = new LogRecordProcessor() {
            @Override
            public void onEmit(Context context, ReadWriteLogRecord logRecord) {
                captured.add(logRecord.toLogRecordData());
            }
        };
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)));
        try (SdkLoggerProvider provider = SdkLoggerProvider.builder().setResource(resource).addLogRecordProcessor(capture).build()) {
            Context traced = Span.wrap(SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault()))
                    .storeInContext(Context.root());
            Instant time = Instant.now().minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MICROS);
            for (int i = 0; i < count; i++) {
                provider.get("com.waitingroom.triage").logRecordBuilder()
                        .setTimestamp(time.plusMillis(i))
                        .setSeverity(Severity.WARN).setSeverityText("warning")
                        .setBody("patient " + i + " waited too long")
                        .setAttribute(AttributeKey.stringKey("room"), "B2")
                        .setAttribute(AttributeKey.longKey("waited.minutes"), 42L)
                        .setContext(traced)
                        .emit();
            }
        }
        return captured;
    }

    static OtlpHttpLogRecordExporter exporter(String role) {
        return OtlpHttpLogRecordExporter.builder()
                .setEndpoint("http://127.0.0.1:" + RestAssured.port + "/v1/logs")
                .addHeader(Tokens.AUTHORIZATION, Tokens.bearer(role))
                .setTimeout(20, TimeUnit.SECONDS)
                .build();
    }

    static boolean export(OtlpHttpLogRecordExporter exporter, Collection<LogRecordData> records) {
        CompletableResultCode result = exporter.export(records).join(30, TimeUnit.SECONDS);
        return result.isSuccess();
    }

    static JsonPath search(String service, String... extraQuery) {
        var request = asReader().queryParam("service", service);
        for (int i = 0; i + 1 < extraQuery.length; i += 2) {
            request = request.queryParam(extraQuery[i], extraQuery[i + 1]);
        }
        return request.get("/events").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void theSdkExporterStoresEveryRecordOnceEvenWhenTheExportIsRetried() {
        String service = EventResourceTest.uniqueService("otlp-sdk");
        List<LogRecordData> records = sdkRecords(service, 3);
        OtlpHttpLogRecordExporter exporter = exporter(Roles.LOG_WRITER);
        try {
            assertTrue(export(exporter, records), "first export");
            assertTrue(export(exporter, records), "the same export again (a retry after a lost answer)");
        } finally {
            exporter.shutdown();
        }
        JsonPath page = search(service);
        assertEquals(3, page.getList("items").size(), "each record stored exactly once: " + page.prettify());
        assertEquals("patient 0 waited too long", page.getString("items[0].message"));
        assertEquals(service, page.getString("items[0].service"));
        assertEquals("WARN", page.getString("items[0].severity"));
        assertEquals(TRACE_ID, page.getString("items[0].traceId"));
        assertEquals(SPAN_ID, page.getString("items[0].spanId"));
        assertEquals("B2", page.getString("items[0].metadata.attributes.room"));
        assertEquals(42, page.getInt("items[0].metadata.attributes.'waited.minutes'"));
        assertEquals("warning", page.getString("items[0].metadata.severityText"));
        assertEquals("com.waitingroom.triage", page.getString("items[0].metadata.scope.name"));
        assertEquals("java", page.getString("items[0].metadata.resource.'telemetry.sdk.language'"));

        // the new filters, combined with service and paging
        assertEquals(3, search(service, "severity", "warn", "traceId", TRACE_ID.toUpperCase()).getList("items").size());
        assertEquals(0, search(service, "severity", "ERROR").getList("items").size());
        assertEquals(0, search(service, "traceId", "0af7651916cd43dd8448eb211c80319c").getList("items").size());
        JsonPath first = search(service, "severity", "WARN", "limit", "2");
        assertEquals(2, first.getList("items").size());
        assertEquals(1, search(service, "severity", "WARN", "limit", "2", "cursor", first.getString("nextCursor")).getList("items").size());
    }

    @Test
    void invalidSearchFiltersAre400() {
        asReader().queryParam("severity", "loud").get("/events").then().statusCode(400)
                .body("code", equalTo("INVALID_QUERY")).body("errors[0].field", equalTo("severity"));
        asReader().queryParam("traceId", "xyz").get("/events").then().statusCode(400)
                .body("errors[0].field", equalTo("traceId"));
    }

    static String jsonExport(String service, long... timesUnixNano) {
        StringBuilder records = new StringBuilder();
        for (long time : timesUnixNano) {
            if (records.length() > 0) {
                records.append(',');
            }
            records.append("""
                    {"timeUnixNano":"%d","severityNumber":17,"severityText":"ERROR",
                     "body":{"kvlistValue":{"values":[{"key":"event","value":{"stringValue":"called"}}]}},
                     "attributes":[{"key":"count","value":{"intValue":"7"}},{"key":"ok","value":{"boolValue":false}}],
                     "traceId":"%s","spanId":"%s"}""".formatted(time, TRACE_ID, SPAN_ID));
        }
        return """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"%s"}}]},
                 "scopeLogs":[{"scope":{"name":"hand-built","version":"1.0"},"logRecords":[%s]}]}]}"""
                .formatted(service, records);
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @Test
    void otlpJsonIsStoredAndIdenticalRecordsInOneRequestStayDistinct() {
        String service = EventResourceTest.uniqueService("otlp-json");
        long time = nanos(Instant.now().minusSeconds(30));
        String body = jsonExport(service, time, time, time + 1000);
        for (int attempt = 0; attempt < 2; attempt++) {
            asWriter().contentType("application/json").body(body).post("/v1/logs")
                    .then().statusCode(200).contentType("application/json").body(equalTo("{}"));
        }
        JsonPath page = search(service);
        // two byte-identical records are two events; the repeated request adds nothing
        assertEquals(3, page.getList("items").size(), page.prettify());
        assertEquals("{\"event\":\"called\"}", page.getString("items[0].message"));
        assertEquals("ERROR", page.getString("items[0].severity"));
        assertEquals(7, page.getInt("items[0].metadata.attributes.count"));
    }

    @Test
    void gzipBodiesAreAccepted() throws IOException {
        String service = EventResourceTest.uniqueService("otlp-gzip");
        byte[] gzipped = gzip(jsonExport(service, nanos(Instant.now())).getBytes(StandardCharsets.UTF_8));
        asWriter().contentType("application/json").header("Content-Encoding", "gzip").body(gzipped).post("/v1/logs")
                .then().statusCode(200);
        assertEquals(1, search(service).getList("items").size());
    }

    @Test
    void recordsOutsideTheRetentionAreAPartialSuccessAndTheRestIsStored() {
        String service = EventResourceTest.uniqueService("otlp-partial");
        long tooOld = nanos(Instant.parse("2001-01-01T00:00:00Z"));
        asWriter().contentType("application/json").body(jsonExport(service, nanos(Instant.now()), tooOld)).post("/v1/logs")
                .then().statusCode(200)
                .body("partialSuccess.rejectedLogRecords", equalTo("1"))
                .body("partialSuccess.errorMessage", containsString("retention"));
        assertEquals(1, search(service).getList("items").size());
    }

    @Test
    void protobufPartialSuccessIsAnExportLogsServiceResponse() {
        String service = EventResourceTest.uniqueService("otlp-pb-partial");
        // ExportLogsServiceRequest with one record dated 2001: resource_logs{ resource{ service.name }, scope_logs{ log_records{ time } } }
        byte[] body = ProtoBytes.exportRequest(service, nanos(Instant.parse("2001-01-01T00:00:00Z")));
        byte[] answer = asWriter().contentType("application/x-protobuf").body(body).post("/v1/logs")
                .then().statusCode(200).contentType("application/x-protobuf").extract().asByteArray();
        // partial_success (field 1) { rejected_log_records (field 1) = 1, error_message (field 2) }
        assertEquals(0x0A, answer[0]);
        assertEquals(0x08, answer[2]);
        assertEquals(1, answer[3]);
        assertEquals(0, search(service).getList("items").size());
    }

    @Test
    void badPayloadsAre400NeverA500() throws IOException {
        List<byte[]> protobufBodies = List.of(new byte[] { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF }, new byte[] { 0x0A, 0x7F, 0x01 },
                new byte[] { 0x0A, 0x02, 0x12, 0x05 }, "not protobuf at all".getBytes(StandardCharsets.UTF_8));
        for (byte[] body : protobufBodies) {
            byte[] status = asWriter().contentType("application/x-protobuf").body(body).post("/v1/logs").then()
                    .statusCode(400).contentType("application/x-protobuf").extract().asByteArray();
            assertEquals(3, status[1], "google.rpc.Status code INVALID_ARGUMENT");
            assertTrue(protobufStatusMessage(status).startsWith("MALFORMED_PAYLOAD: "), protobufStatusMessage(status));
        }
        for (String body : List.of("not json", "[]", "{\"resourceLogs\":\"x\"}", "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}",
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"abc\"}]}]}]}")) {
            asWriter().contentType("application/json").body(body).post("/v1/logs").then()
                    .statusCode(400).contentType("application/json").body("code", equalTo(3))
                    .body("message", startsWith("MALFORMED_PAYLOAD: "));
        }
        asWriter().contentType("application/json").header("Content-Encoding", "gzip").body("not gzip").post("/v1/logs")
                .then().statusCode(400).contentType("application/json").body("message", startsWith("MALFORMED_PAYLOAD: "));
        // not an OTLP media type: no encoding to answer in, so the suite's problem+json
        asWriter().contentType("text/plain").body("hello").post("/v1/logs").then().statusCode(415)
                .contentType(EventResourceTest.PROBLEM);
        asWriter().contentType("application/json").header("Content-Encoding", "br").body("{}").post("/v1/logs").then().statusCode(415)
                .contentType("application/json").body("message", startsWith("UNSUPPORTED_MEDIA_TYPE: "));
        // an empty export is valid OTLP: nothing to store, full success
        asWriter().contentType("application/x-protobuf").body(new byte[0]).post("/v1/logs").then().statusCode(200);
    }

    @Test
    void onlyLogWritersMayExport() {
        given().contentType("application/json").body("{}").post("/v1/logs").then().statusCode(401);
        asReader().contentType("application/json").body("{}").post("/v1/logs").then().statusCode(403)
                .body("code", equalTo("ROLE_NOT_ALLOWED"));
        given().header(Tokens.AUTHORIZATION, Tokens.bearer(Roles.ADMIN)).contentType("application/json").body("{}")
                .post("/v1/logs").then().statusCode(200);
        OtlpHttpLogRecordExporter reader = exporter(Roles.LOG_READER);
        try {
            String service = EventResourceTest.uniqueService("otlp-403");
            assertTrue(!export(reader, sdkRecords(service, 1)), "a log-reader's export fails");
            asReader().queryParam("service", service).get("/events").then().body("items", hasSize(0));
        } finally {
            reader.shutdown();
        }
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    /** The message (field 2) of a protobuf google.rpc.Status { int32 code = 1; string message = 2; }. */
    static String protobufStatusMessage(byte[] status) {
        int i = 0;
        while (i < status.length) {
            int tag = status[i++];
            if (tag == 0x08) {
                while ((status[i++] & 0x80) != 0) {
                    // the code's varint
                }
            } else if (tag == 0x12) {
                int length = 0;
                int shift = 0;
                byte b;
                do {
                    b = status[i++];
                    length |= (b & 0x7F) << shift;
                    shift += 7;
                } while ((b & 0x80) != 0);
                return new String(status, i, length, StandardCharsets.UTF_8);
            } else {
                throw new AssertionError("unexpected field tag " + tag);
            }
        }
        throw new AssertionError("no message in the Status");
    }
}
