package com.waitingroom.ingest.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.ingest.domain.Severity;

/**
 * The OTLP → event mapping both encodings share (README "OTLP mapping"): service from the resource's
 * {@code service.name} (spec fallback {@code unknown_service[:process.executable.name]}), body → message
 * (a string as is, any other value as JSON), severity number (else text) → severity, time (else observed
 * time, else receive time) → timestamp, attributes / resource / scope → metadata, trace context kept.
 */
public final class OtlpRecordMapping {

    /** AnyValue nesting deeper than this is refused (400) rather than risking the stack. */
    public static final int MAX_VALUE_DEPTH = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The resource and scope a record belongs to, as the decoders read them. */
    public record Scope(Map<String, Object> resourceAttributes, String name, String version,
            Map<String, Object> attributes) {
    }

    /** A log record's fields as decoded; null/0 = absent. */
    public static final class Fields {
        public long timeUnixNano;
        public long observedTimeUnixNano;
        public int severityNumber;
        public String severityText;
        public Object body;
        public boolean hasBody;
        public Map<String, Object> attributes;
        public String traceId;
        public String spanId;
        public int flags;
        public String eventName;
    }

    private OtlpRecordMapping() {
    }

    public static LogRecord toRecord(Scope scope, Fields fields) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (fields.attributes != null && !fields.attributes.isEmpty()) {
            metadata.put("attributes", fields.attributes);
        }
        if (!scope.resourceAttributes().isEmpty()) {
            metadata.put("resource", scope.resourceAttributes());
        }
        if (scope.name() != null && !scope.name().isEmpty()) {
            Map<String, Object> scopeInfo = new LinkedHashMap<>();
            scopeInfo.put("name", scope.name());
            if (scope.version() != null && !scope.version().isEmpty()) {
                scopeInfo.put("version", scope.version());
            }
            if (scope.attributes() != null && !scope.attributes().isEmpty()) {
                scopeInfo.put("attributes", scope.attributes());
            }
            metadata.put("scope", scopeInfo);
        }
        if (fields.severityText != null && !fields.severityText.isEmpty()) {
            metadata.put("severityText", fields.severityText);
        }
        if (fields.eventName != null && !fields.eventName.isEmpty()) {
            metadata.put("eventName", fields.eventName);
        }
        Severity severity = Severity.fromOtlpNumber(fields.severityNumber);
        if (severity == null) {
            severity = Severity.fromWord(fields.severityText);
        }
        long time = fields.timeUnixNano != 0 ? fields.timeUnixNano : fields.observedTimeUnixNano;
        String identity = fields.observedTimeUnixNano + "|" + fields.severityNumber + "|" + fields.flags;
        return new LogRecord(service(scope.resourceAttributes()), time, message(fields), severity, metadata,
                fields.traceId, fields.spanId, identity);
    }

    static String service(Map<String, Object> resource) {
        if (resource.get("service.name") instanceof String name && !name.isEmpty()) {
            return name;
        }
        if (resource.get("process.executable.name") instanceof String executable && !executable.isEmpty()) {
            return "unknown_service:" + executable;
        }
        return "unknown_service";
    }

    private static String message(Fields fields) {
        if (!fields.hasBody || fields.body == null) {
            return "";
        }
        if (fields.body instanceof String text) {
            return text;
        }
        try {
            return JSON.writeValueAsString(fields.body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bodies hold only JSON-ready values", e);
        }
    }
}
