package com.waitingroom.ingest.protocol;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.waitingroom.ingest.domain.TraceContext;

/**
 * {@code ExportLogsServiceRequest} (opentelemetry-proto, logs/v1) read field by field: the few
 * messages involved are walked with {@link ProtoReader}; unknown fields are skipped as protobuf requires.
 */
public final class OtlpProtobufDecoder {

    private final int maxRecords;

    public OtlpProtobufDecoder(int maxRecords) {
        this.maxRecords = maxRecords;
    }

    public List<LogRecord> decode(byte[] body) {
        List<LogRecord> records = new ArrayList<>();
        ProtoReader request = new ProtoReader(body);
        while (request.next()) {
            if (request.field() == 1) {
                resourceLogs(request.message(), records);
            } else {
                request.skip();
            }
        }
        return records;
    }

    private void resourceLogs(ProtoReader reader, List<LogRecord> records) {
        Map<String, Object> resource = new LinkedHashMap<>();
        List<ProtoReader> scopeLogs = new ArrayList<>();
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> {
                    ProtoReader resourceReader = reader.message();
                    while (resourceReader.next()) {
                        if (resourceReader.field() == 1) {
                            keyValue(resourceReader.message(), resource, 0);
                        } else {
                            resourceReader.skip();
                        }
                    }
                }
                case 2 -> scopeLogs.add(reader.message()); // read after the resource, whatever the field order
                default -> reader.skip();
            }
        }
        for (ProtoReader scope : scopeLogs) {
            scopeLogs(scope, resource, records);
        }
    }

    private void scopeLogs(ProtoReader reader, Map<String, Object> resource, List<LogRecord> records) {
        String name = null;
        String version = null;
        Map<String, Object> scopeAttributes = new LinkedHashMap<>();
        List<ProtoReader> logRecords = new ArrayList<>();
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> {
                    ProtoReader scope = reader.message();
                    while (scope.next()) {
                        switch (scope.field()) {
                            case 1 -> name = scope.string();
                            case 2 -> version = scope.string();
                            case 3 -> keyValue(scope.message(), scopeAttributes, 0);
                            default -> scope.skip();
                        }
                    }
                }
                case 2 -> logRecords.add(reader.message());
                default -> reader.skip();
            }
        }
        OtlpRecordMapping.Scope scope = new OtlpRecordMapping.Scope(resource, name, version, scopeAttributes);
        for (ProtoReader logRecord : logRecords) {
            if (records.size() >= maxRecords) {
                throw new TooManyRecordsException(maxRecords);
            }
            records.add(OtlpRecordMapping.toRecord(scope, logRecord(logRecord)));
        }
    }

    private static OtlpRecordMapping.Fields logRecord(ProtoReader reader) {
        OtlpRecordMapping.Fields fields = new OtlpRecordMapping.Fields();
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> fields.timeUnixNano = reader.fixed64();
                case 11 -> fields.observedTimeUnixNano = reader.fixed64();
                case 2 -> fields.severityNumber = (int) reader.varint();
                case 3 -> fields.severityText = reader.string();
                case 5 -> {
                    fields.body = anyValue(reader.message(), 0);
                    fields.hasBody = true;
                }
                case 6 -> {
                    if (fields.attributes == null) {
                        fields.attributes = new LinkedHashMap<>();
                    }
                    keyValue(reader.message(), fields.attributes, 0);
                }
                case 8 -> fields.flags = reader.fixed32();
                case 9 -> fields.traceId = id(reader.bytes(), 16, "traceId");
                case 10 -> fields.spanId = id(reader.bytes(), 8, "spanId");
                case 12 -> fields.eventName = reader.string();
                default -> reader.skip();
            }
        }
        return fields;
    }

    private static String id(byte[] bytes, int length, String name) {
        if (bytes.length != 0 && bytes.length != length) {
            throw new MalformedPayloadException(name + " must be " + length + " bytes");
        }
        return TraceContext.hex(bytes);
    }

    private static void keyValue(ProtoReader reader, Map<String, Object> into, int depth) {
        String key = "";
        Object value = null;
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> key = reader.string();
                case 2 -> value = anyValue(reader.message(), depth + 1);
                default -> reader.skip();
            }
        }
        into.put(key, value);
    }

    private static Object anyValue(ProtoReader reader, int depth) {
        if (depth > OtlpRecordMapping.MAX_VALUE_DEPTH) {
            throw new MalformedPayloadException("attribute values nested deeper than " + OtlpRecordMapping.MAX_VALUE_DEPTH);
        }
        Object value = null;
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> value = reader.string();
                case 2 -> value = reader.varint() != 0;
                case 3 -> value = reader.varint();
                case 4 -> value = finite(reader.doubleValue());
                case 5 -> {
                    List<Object> values = new ArrayList<>();
                    ProtoReader array = reader.message();
                    while (array.next()) {
                        if (array.field() == 1) {
                            values.add(anyValue(array.message(), depth + 1));
                        } else {
                            array.skip();
                        }
                    }
                    value = values;
                }
                case 6 -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    ProtoReader list = reader.message();
                    while (list.next()) {
                        if (list.field() == 1) {
                            keyValue(list.message(), map, depth + 1);
                        } else {
                            list.skip();
                        }
                    }
                    value = map;
                }
                case 7 -> value = Base64.getEncoder().encodeToString(reader.bytes());
                default -> reader.skip();
            }
        }
        return value;
    }

    /** NaN and infinities have no JSON (jsonb) form: kept as their names. */
    static Object finite(double value) {
        return Double.isFinite(value) ? (Object) value : Double.toString(value);
    }
}
