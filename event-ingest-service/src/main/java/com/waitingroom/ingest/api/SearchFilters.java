package com.waitingroom.ingest.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonGenerator;
import com.waitingroom.ingest.domain.EventParser;
import com.waitingroom.ingest.domain.FieldError;
import com.waitingroom.ingest.domain.Severity;
import com.waitingroom.ingest.domain.TraceContext;
import com.waitingroom.ingest.store.EventFilter;

import io.vertx.core.MultiMap;

/**
 * The filter parameters shared by GET /events, /events/count and /events/severity-summary, parsed into an
 * {@link EventFilter}; every bad value is collected as a {@link FieldError} naming its parameter.
 */
final class SearchFilters {

    static final String META_PREFIX = "meta.";
    /** The filter parameters (besides {@code meta.<key>}); the endpoints add their own (from, to, limit…). */
    static final List<String> NAMES = List.of("service", "q", "severity", "minSeverity", "traceId", "correlationId");
    static final int MAX_TEXT_LENGTH = 200;
    static final int MAX_META_FILTERS = 10;
    static final int MAX_META_VALUE_LENGTH = 500;
    private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9_.:@-]{1,100}");
    /** The suite's correlation-id rule (service-http): 1–128 of these characters. */
    private static final Pattern CORRELATION_ID = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");

    private SearchFilters() {
    }

    static EventFilter parse(MultiMap params, List<FieldError> errors) {
        String service = params.get("service");
        if (service != null && (service.isBlank() || service.length() > EventParser.MAX_SERVICE_LENGTH)) {
            errors.add(new FieldError("service", "must be 1-" + EventParser.MAX_SERVICE_LENGTH + " characters"));
        }
        Severity exact = severity("severity", params.get("severity"), errors);
        Severity minimum = severity("minSeverity", params.get("minSeverity"), errors);
        List<String> severities = null;
        if (exact != null || minimum != null) {
            // severity= and minSeverity= together: both must hold (e.g. severity=INFO&minSeverity=WARN matches nothing)
            Set<Severity> allowed = EnumSet.allOf(Severity.class);
            if (exact != null) {
                allowed.retainAll(EnumSet.of(exact));
            }
            if (minimum != null) {
                allowed.retainAll(EnumSet.range(minimum, Severity.FATAL));
            }
            severities = allowed.stream().map(Severity::name).toList();
        }
        String text = params.get("q");
        if (text != null && (text.isEmpty() || text.length() > MAX_TEXT_LENGTH)) {
            errors.add(new FieldError("q", "must be 1-" + MAX_TEXT_LENGTH + " characters"));
        }
        String traceId = traceId(params.get("traceId"), errors);
        String correlationId = params.get("correlationId");
        if (correlationId != null && !CORRELATION_ID.matcher(correlationId).matches()) {
            errors.add(new FieldError("correlationId", "must be 1-128 of A-Z a-z 0-9 . _ : / + = @ -"));
        }
        return new EventFilter(service, severities, text, traceId, correlationId, metadata(params, errors));
    }

    /** {@code meta.<key>=<value>}: top-level metadata key equal to the value (as text); several are ANDed. */
    private static Map<String, String> metadata(MultiMap params, List<FieldError> errors) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String name : params.names()) {
            if (!name.startsWith(META_PREFIX)) {
                continue;
            }
            String key = name.substring(META_PREFIX.length());
            String value = params.get(name);
            if (!META_KEY.matcher(key).matches()) {
                errors.add(new FieldError(name, "metadata key must be 1-100 of A-Z a-z 0-9 _ . : @ -"));
            } else if (value.isEmpty() || value.length() > MAX_META_VALUE_LENGTH) {
                errors.add(new FieldError(name, "must be 1-" + MAX_META_VALUE_LENGTH + " characters"));
            } else {
                metadata.put(key, value);
            }
        }
        if (metadata.size() > MAX_META_FILTERS) {
            errors.add(new FieldError(META_PREFIX + "*", "at most " + MAX_META_FILTERS + " metadata filters"));
        }
        return metadata;
    }

    /**
     * Parameters this endpoint does not take, repeated ones and NUL characters (PostgreSQL text cannot
     * hold them) are errors: a misspelt filter must never widen a search silently.
     */
    static void checkNames(MultiMap params, List<String> known, boolean takesMetadata, List<FieldError> errors) {
        List<String> unknown = new ArrayList<>();
        for (String name : params.names()) {
            if (!known.contains(name) && !(takesMetadata && name.startsWith(META_PREFIX))) {
                unknown.add(name);
                continue;
            }
            List<String> values = params.getAll(name);
            if (values.size() > 1) {
                errors.add(new FieldError(name, "given " + values.size() + " times; give it once"));
            } else if (values.get(0).indexOf('\u0000') >= 0) {
                errors.add(new FieldError(name, "must not contain NUL characters"));
            }
        }
        String takes = known.isEmpty() && !takesMetadata ? "no parameters"
                : String.join(", ", known) + (takesMetadata ? ", meta.<key>" : "");
        for (String name : unknown) {
            errors.add(new FieldError(name, "unknown query parameter; this endpoint takes " + takes));
        }
    }

    /** A severity word (TRACE…FATAL, any case, or a common word such as "warning"); null when absent. */
    private static Severity severity(String name, String text, List<FieldError> errors) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Severity severity = Severity.fromWord(text);
        if (severity == null) {
            errors.add(new FieldError(name, "must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL"));
        }
        return severity;
    }

    /** {@code traceId=} 32 hex digits (stored lowercase); null when absent. */
    private static String traceId(String text, List<FieldError> errors) {
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
