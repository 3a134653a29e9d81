package com.waitingroom.http;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The suite's one error shape: RFC 9457 problem details with a stable {@code code}, the request's
 * {@code correlationId}, optional field {@code errors} and a few service-specific extension members.
 * Every service, every status, framework answers included, leaves through this class.
 */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** One base for every {@code type}; the path is the code in kebab case (e.g. {@code .../rate-limited}). */
    public static final String TYPE_BASE = "https://waiting-room.example/problems/";

    private static final JsonFactory JSON = new JsonFactory();

    /** A field-level validation error. */
    public record FieldError(String field, String message) {
    }

    private final int status;
    private final String code;
    private final String title;
    private final String detail;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions;
    private final long retryAfterSeconds;

    private Problem(int status, String code, String title, String detail, List<FieldError> errors,
            Map<String, Object> extensions, long retryAfterSeconds) {
        this.status = status;
        this.code = code;
        this.title = title;
        this.detail = detail;
        this.errors = errors;
        this.extensions = extensions;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static Problem of(int status, String code, String title, String detail) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem has a 4xx or 5xx status, not " + status);
        }
        return new Problem(status, code, title, detail, List.of(), Map.of(), 0);
    }

    /** The same problem with field errors (kept in order; an empty list means none). */
    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(status, code, title, detail, List.copyOf(fieldErrors), extensions, retryAfterSeconds);
    }

    /**
     * The same problem with one more extension member: a String, Number, Boolean or a collection of
     * them. Core member names are refused so an extension can never shadow them.
     */
    public Problem with(String name, Object value) {
        if (List.of("type", "title", "status", "detail", "code", "correlationId", "errors").contains(name)) {
            throw new IllegalArgumentException(name + " is a core member");
        }
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(name, value);
        return new Problem(status, code, title, detail, errors, more, retryAfterSeconds);
    }

    /** The same problem, to be sent with {@code Retry-After} (seconds; 0 = none). */
    public Problem retryAfter(long seconds) {
        return new Problem(status, code, title, detail, errors, extensions, Math.max(0, seconds));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String type() {
        return typeOf(code);
    }

    public static String typeOf(String code) {
        return TYPE_BASE + code.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A code derived from a status' reason phrase, e.g. 405 → METHOD_NOT_ALLOWED. */
    public static String codeFor(String reasonPhrase) {
        return reasonPhrase.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_|_$", "");
    }

    /** The JSON body; {@code correlationId} is left out when null. */
    public String toJson(String correlationId) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", type());
            json.writeStringField("title", title);
            json.writeNumberField("status", status);
            json.writeStringField("detail", detail);
            json.writeStringField("code", code);
            if (correlationId != null) {
                json.writeStringField("correlationId", correlationId);
            }
            if (!errors.isEmpty()) {
                json.writeArrayFieldStart("errors");
                for (FieldError error : errors) {
                    json.writeStartObject();
                    json.writeStringField("field", error.field());
                    json.writeStringField("message", error.message());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            for (Map.Entry<String, Object> extension : extensions.entrySet()) {
                json.writeFieldName(extension.getKey());
                writeValue(json, extension.getValue());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a problem body", e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Collection<?> items) {
            json.writeStartArray();
            for (Object item : new ArrayList<>(items)) {
                writeValue(json, item);
            }
            json.writeEndArray();
        } else if (value instanceof Integer || value instanceof Long) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number number) {
            json.writeNumber(number.doubleValue());
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else {
            json.writeString(value.toString());
        }
    }

    @Override
    public String toString() {
        return status + " " + code + ": " + detail;
    }
}
