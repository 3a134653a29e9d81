package com.waitingroom.ingest.api;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonGenerator;
import com.waitingroom.ingest.domain.FieldError;
import com.waitingroom.ingest.domain.Severity;
import com.waitingroom.ingest.domain.TraceContext;

/** The severity and trace-id filters of GET /events, and the optional fields they add to its items. */
final class SearchFilters {

    private SearchFilters() {
    }

    /** {@code severity=} one of TRACE…FATAL (any case, or a common word such as "warning"); null when absent. */
    static String severity(String text, List<FieldError> errors) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Severity severity = Severity.fromWord(text);
        if (severity == null) {
            errors.add(new FieldError("severity", "must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL"));
            return null;
        }
        return severity.name();
    }

    /** {@code traceId=} 32 hex digits (stored lowercase); null when absent. */
    static String traceId(String text, List<FieldError> errors) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String hex = text.toLowerCase(Locale.ROOT);
        if (!TraceContext.isHex(hex, TraceContext.TRACE_ID_HEX_LENGTH)) {
            errors.add(new FieldError("traceId", "must be 32 hexadecimal digits"));
            return null;
        }
        return hex;
    }

    static void writeOptional(JsonGenerator json, String field, String value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value);
        }
    }
}
