package com.waitingroom.ingest.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.domain.IngestEvent;
import com.waitingroom.ingest.domain.Severity;

class RecordConverterTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private final RecordConverter converter = new RecordConverter(Clock.fixed(NOW, ZoneOffset.UTC), 30, Duration.ofHours(24));
    private static final long NANOS = NOW.getEpochSecond() * 1_000_000_000L - 5;

    private static LogRecord record(String message) {
        return new LogRecord("svc", NANOS, message, Severity.INFO, Map.of("k", "v"), null, null, "");
    }

    @Test
    void idsAreDerivedFromContentAndOccurrence() {
        List<IngestEvent> first = converter.convert(List.of(record("a"), record("a"), record("b"))).events();
        List<IngestEvent> again = converter.convert(List.of(record("a"), record("a"), record("b"))).events();
        assertEquals(first.stream().map(IngestEvent::eventId).toList(), again.stream().map(IngestEvent::eventId).toList(),
                "a retried request derives the same ids");
        assertNotEquals(first.get(0).eventId(), first.get(1).eventId(), "identical records in one request stay distinct");
        assertNotEquals(first.get(0).eventId(), first.get(2).eventId());
        assertEquals(8, UUID.fromString(first.get(0).eventId()).version());
        assertEquals("2026-03-10T11:59:59.999999Z", first.get(0).timestamp().toInstant().toString(), "ns truncated to µs");
    }

    @Test
    void recordsOutsideTheLimitsAreRefusedOneByOne() {
        LogRecord old = new LogRecord("svc", 1_000_000_000L, "old", null, Map.of(), null, null, null);
        LogRecord tooLong = record("x".repeat(2001));
        RecordConverter.Converted converted = converter.convert(List.of(old, record("ok"), tooLong));
        assertEquals(1, converted.events().size());
        assertEquals(2, converted.rejected());
        assertEquals(true, converted.rejectionMessage().startsWith("2 of 3 log records rejected: record 0: timestamp is older"),
                converted.rejectionMessage());
    }

    @Test
    void otlpJsonSeverityNamesAndBadValues() {
        OtlpJsonDecoder decoder = new OtlpJsonDecoder(10);
        String template = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"severityNumber\":%s}]}]}]}";
        assertEquals(Severity.WARN, decoder.decode(String.format(template, "\"SEVERITY_NUMBER_WARN3\"").getBytes(StandardCharsets.UTF_8))
                .get(0).severity());
        assertEquals("unknown_service", decoder.decode(String.format(template, "9").getBytes(StandardCharsets.UTF_8)).get(0).service());
        for (String bad : new String[] { "\"SEVERITY_NUMBER_INFOX\"", "25", "\"nine\"" }) {
            assertThrows(MalformedPayloadException.class,
                    () -> decoder.decode(String.format(template, bad).getBytes(StandardCharsets.UTF_8)), bad);
        }
        assertThrows(TooManyRecordsException.class, () -> new OtlpJsonDecoder(1).decode(
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{},{}]}]}]}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void lokiTimestampsBeyondTheNanosecondRangeAreMalformed() {
        // PushRequest{ streams{ labels "{}", entries{ timestamp{ seconds = 2^40 } line "x" } } }
        byte[] seconds = { 0x08, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x20 };
        byte[] entry = concat(field(1, seconds), field(2, "x".getBytes(StandardCharsets.UTF_8)));
        byte[] stream = concat(field(1, "{}".getBytes(StandardCharsets.UTF_8)), field(2, entry));
        assertThrows(MalformedPayloadException.class, () -> new LokiPushDecoder(10).decodeProtobuf(field(1, stream)));
    }

    private static byte[] field(int number, byte[] value) {
        byte[] out = new byte[2 + value.length];
        out[0] = (byte) (number << 3 | 2);
        out[1] = (byte) value.length; // < 128 in these tests
        System.arraycopy(value, 0, out, 2, value.length);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
