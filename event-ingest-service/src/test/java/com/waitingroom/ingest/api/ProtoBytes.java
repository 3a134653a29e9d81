package com.waitingroom.ingest.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-written protobuf bytes for tests that need a message no client library would send. */
final class ProtoBytes {

    private ProtoBytes() {
    }

    /** ExportLogsServiceRequest with one resource (service.name) and one log record with this time. */
    static byte[] exportRequest(String service, long timeUnixNano) {
        byte[] anyValue = field(1, service.getBytes(StandardCharsets.UTF_8));
        byte[] keyValue = concat(field(1, "service.name".getBytes(StandardCharsets.UTF_8)), field(2, anyValue));
        byte[] resource = field(1, keyValue);
        byte[] time = new byte[9];
        time[0] = 0x09; // field 1, fixed64
        for (int i = 0; i < 8; i++) {
            time[1 + i] = (byte) (timeUnixNano >>> (8 * i));
        }
        byte[] body = field(5, field(1, "old".getBytes(StandardCharsets.UTF_8)));
        byte[] scopeLogs = field(2, concat(time, body));
        byte[] resourceLogs = concat(field(1, resource), field(2, scopeLogs));
        return field(1, resourceLogs);
    }

    static byte[] field(int number, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, (number << 3) | 2);
        varint(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
