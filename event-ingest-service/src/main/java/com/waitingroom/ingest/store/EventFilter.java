package com.waitingroom.ingest.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import io.vertx.sqlclient.Tuple;

/**
 * The filters GET /events, /events/count and /events/severity-summary share, as one SQL condition over
 * [from, to). Every value is a bind parameter; only the shape of the condition depends on which filters
 * are present (a handful of prepared statements, not one per value).
 *
 * @param service      exact service name, or null
 * @param severities   the severities allowed (already intersected from severity= and minSeverity=), or null
 *                     for any; an empty list matches nothing
 * @param text         substring of the message, case-insensitive, matched literally, or null
 * @param traceId      32 lowercase hex digits, or null
 * @param correlationId value of the metadata key {@code correlationId} (top level, or OTLP's
 *                     {@code attributes.correlationId}), or null
 * @param metadata     top-level metadata key → value, compared as text; empty for none
 */
public record EventFilter(String service, List<String> severities, String text, String traceId,
        String correlationId, Map<String, String> metadata) {

    /** Appends {@code WHERE …} for [from, to) and the filters to {@code sql}, binding values into {@code params}. */
    public void appendWhere(StringBuilder sql, Tuple params, OffsetDateTime from, OffsetDateTime to) {
        params.addValue(from);
        params.addValue(to);
        sql.append(" WHERE ts >= $1 AND ts < $2");
        if (service != null) {
            params.addValue(service);
            sql.append(" AND service = $").append(params.size());
        }
        if (severities != null) {
            params.addArrayOfString(severities.toArray(new String[0]));
            sql.append(" AND severity = ANY ($").append(params.size()).append(')');
        }
        if (text != null) {
            // ILIKE's default escape character is the backslash: \, % and _ of the text match themselves.
            params.addValue("%" + escapeLike(text) + "%");
            sql.append(" AND message ILIKE $").append(params.size());
        }
        if (traceId != null) {
            params.addValue(traceId);
            sql.append(" AND trace_id = $").append(params.size());
        }
        if (correlationId != null) {
            params.addValue(correlationId);
            int n = params.size();
            sql.append(" AND (metadata ->> 'correlationId' = $").append(n)
                    .append(" OR metadata -> 'attributes' ->> 'correlationId' = $").append(n).append(')');
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            params.addValue(entry.getKey());
            params.addValue(entry.getValue());
            // ->> gives a number's, boolean's or string's text: meta.x=5 matches both 5 and "5".
            sql.append(" AND metadata ->> $").append(params.size() - 1).append(" = $").append(params.size());
        }
    }

    static String escapeLike(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '%' || c == '_') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
