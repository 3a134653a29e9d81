package com.waitingroom.ingest.api;

import static com.waitingroom.ingest.auth.Tokens.asReader;
import static com.waitingroom.ingest.auth.Tokens.asWriter;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.github.loki4j.logback.Loki4jAppender;
import com.github.loki4j.logback.PipelineConfigAppenderBase;
import com.waitingroom.ingest.auth.Tokens;
import com.waitingroom.security.Roles;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** POST /loki/api/v1/push with loki4j (JSON and protobuf + snappy), and hand-built pushes. */
@QuarkusTest
public class LokiPushTest {

    /** Logs {@code lines} through a loki4j appender of its own logback context, then stops it (which flushes). */
    static void logWithLoki4j(String service, boolean protobuf, String... lines) {
        LoggerContext context = new LoggerContext();
        Loki4jAppender appender = new Loki4jAppender();
        appender.setContext(context);
        PipelineConfigAppenderBase.HttpCfg http = new PipelineConfigAppenderBase.HttpCfg();
        http.setUrl("http://127.0.0.1:" + RestAssured.port + "/loki/api/v1/push");
        http.setUseProtobufApi(protobuf);
        http.setSender(new BearerLokiSender(Tokens.bearer(Roles.LOG_WRITER)));
        appender.setHttp(http);
        PipelineConfigAppenderBase.BatchCfg batch = new PipelineConfigAppenderBase.BatchCfg();
        batch.setTimeoutMs(200);
        appender.setBatch(batch);
        appender.setLabels("service_name=" + service + "\nlevel=%level");
        appender.setStructuredMetadata("thread=%thread");
        appender.start();
        Logger logger = context.getLogger("com.waitingroom.reception");
        logger.addAppender(appender);
        for (String line : lines) {
            logger.error(line);
        }
        appender.stop();
        context.stop();
    }

    static JsonPath awaitEvents(String service, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                OtlpLogsTest.search(service).getList("items").size() >= count);
        return OtlpLogsTest.search(service);
    }

    @Test
    void loki4jJsonPushesAreStoredWithServiceSeverityAndLabels() {
        String service = EventResourceTest.uniqueService("loki4j-json");
        logWithLoki4j(service, false, "patient arrived", "patient called");
        JsonPath page = awaitEvents(service, 2);
        assertEquals(2, page.getList("items").size(), page.prettify());
        assertTrue(page.getString("items[0].message").contains("patient arrived"), page.prettify());
        assertEquals("ERROR", page.getString("items[0].severity"));
        assertEquals(service, page.getString("items[0].metadata.labels.service_name"));
        assertEquals("ERROR", page.getString("items[0].metadata.labels.level"));
    }

    @Test
    void loki4jProtobufSnappyPushesAreStored() {
        String service = EventResourceTest.uniqueService("loki4j-pb");
        logWithLoki4j(service, true, "room B2 free", "room B3 free", "room B4 free");
        JsonPath page = awaitEvents(service, 3);
        assertEquals(3, page.getList("items").size(), page.prettify());
        assertTrue(page.getString("items[2].message").contains("room B4 free"), page.prettify());
        assertEquals("ERROR", page.getString("items[2].severity"));
        assertTrue(page.getString("items[0].metadata.structuredMetadata.thread") != null, page.prettify());
    }

    static String push(String labelsJson, List<String[]> values) {
        StringBuilder entries = new StringBuilder();
        for (String[] value : values) {
            if (entries.length() > 0) {
                entries.append(',');
            }
            entries.append("[\"").append(value[0]).append("\",\"").append(value[1]).append("\"")
                    .append(value.length > 2 ? "," + value[2] : "").append(']');
        }
        return "{\"streams\":[{\"stream\":" + labelsJson + ",\"values\":[" + entries + "]}]}";
    }

    static String nanos(Instant instant) {
        return Long.toString(instant.getEpochSecond() * 1_000_000_000L + instant.getNano());
    }

    @Test
    void aRetriedPushStoresEachLineOnceAndStructuredMetadataIsKept() throws IOException {
        String service = EventResourceTest.uniqueService("loki-retry");
        String now = nanos(Instant.now().minusSeconds(5));
        String body = push("{\"app\":\"" + service + "\",\"detected_level\":\"warning\"}",
                List.of(new String[] { now, "same line" }, new String[] { now, "same line" },
                        new String[] { now, "with metadata", "{\"trace_id\":\"abc\"}" }));
        asWriter().contentType("application/json").body(body).post("/loki/api/v1/push").then().statusCode(204);
        asWriter().contentType("application/json").header("Content-Encoding", "gzip").body(OtlpLogsTest.gzip(body.getBytes()))
                .post("/loki/api/v1/push").then().statusCode(204);
        JsonPath page = OtlpLogsTest.search(service);
        assertEquals(3, page.getList("items").size(), "two identical lines are two events, the retry adds none: " + page.prettify());
        assertEquals("WARN", page.getString("items[0].severity"));
        assertEquals("abc", page.getString("items.find { it.message == 'with metadata' }.metadata.structuredMetadata.trace_id"));
    }

    @Test
    void linesOutsideTheRetentionAre400WhileTheOthersAreStored() {
        String service = EventResourceTest.uniqueService("loki-partial");
        String body = push("{\"service_name\":\"" + service + "\"}", List.of(new String[] { nanos(Instant.now()), "fresh" },
                new String[] { nanos(Instant.parse("2001-01-01T00:00:00Z")), "ancient" }));
        asWriter().contentType("application/json").body(body).post("/loki/api/v1/push").then().statusCode(400)
                .contentType(EventResourceTest.PROBLEM).body("code", equalTo("RECORDS_REJECTED"))
                .body("detail", containsString("1 of 2"));
        assertEquals(1, OtlpLogsTest.search(service).getList("items").size());
    }

    @Test
    void badPushesAre400NeverA500() {
        for (String body : List.of("nope", "{}", "{\"streams\":[{\"stream\":{\"a\":1},\"values\":[]}]}",
                "{\"streams\":[{\"stream\":{},\"values\":[[\"x\",\"line\"]]}]}", "{\"streams\":[{\"stream\":{},\"values\":[[\"1\"]]}]}")) {
            asWriter().contentType("application/json").body(body).post("/loki/api/v1/push").then()
                    .statusCode(400).contentType(EventResourceTest.PROBLEM);
        }
        // not snappy, a snappy body claiming 1 GiB, snappy of garbage protobuf, a bad label string
        for (byte[] body : List.of(new byte[] { 0x05, (byte) 0xFF }, new byte[] { (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04 },
                new byte[] { 0x03, 0x08, (byte) 0xFF, (byte) 0xFF }, snappyLiteral(ProtoBytes.field(1, ProtoBytes.field(1, "{app=web}".getBytes()))))) {
            asWriter().contentType("application/x-protobuf").body(body).post("/loki/api/v1/push").then()
                    .statusCode(org.hamcrest.Matchers.anyOf(equalTo(400), equalTo(413))).contentType(EventResourceTest.PROBLEM);
        }
        asWriter().contentType("text/plain").body("x").post("/loki/api/v1/push").then().statusCode(415);
    }

    @Test
    void onlyLogWritersMayPush() {
        given().contentType("application/json").body("{\"streams\":[]}").post("/loki/api/v1/push").then().statusCode(401);
        asReader().contentType("application/json").body("{\"streams\":[]}").post("/loki/api/v1/push").then().statusCode(403);
        asWriter().contentType("application/json").body("{\"streams\":[]}").post("/loki/api/v1/push").then().statusCode(204);
    }

    /** A snappy block holding {@code bytes} as one literal (valid snappy, no compression). */
    static byte[] snappyLiteral(byte[] bytes) {
        byte[] out = new byte[2 + bytes.length];
        out[0] = (byte) bytes.length; // < 128: one-byte varint
        out[1] = (byte) ((bytes.length - 1) << 2); // < 60: length in the tag
        System.arraycopy(bytes, 0, out, 2, bytes.length);
        return out;
    }
}
