package com.waitingroom.ingest.api;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.waitingroom.ingest.config.IngestConfig;
import com.waitingroom.ingest.domain.FieldError;

import io.vertx.core.MultiMap;

/** The [from, to) of a read: every query is bounded by one, so none reads more than the retention. */
record TimeRange(OffsetDateTime from, OffsetDateTime to) {

    /** [from, to): defaults to = now, from = to − default-range; from < to and at most max-range apart. */
    static TimeRange parse(MultiMap params, Instant now, IngestConfig.Query limits, List<FieldError> errors) {
        OffsetDateTime to = instantParam(params, "to", errors);
        OffsetDateTime from = instantParam(params, "from", errors);
        if (to == null) {
            to = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        }
        if (from == null) {
            from = to.minus(limits.defaultRange());
        }
        if (!from.isBefore(to)) {
            errors.add(new FieldError("from", "must be before `to`"));
        } else if (Duration.between(from, to).compareTo(limits.maxRange()) > 0) {
            errors.add(new FieldError("to", "range must be at most " + limits.maxRange().toDays() + " days"));
        }
        return new TimeRange(from, to);
    }

    private static OffsetDateTime instantParam(MultiMap params, String name, List<FieldError> errors) {
        String text = params.get(name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        OffsetDateTime value;
        try {
            if (text.chars().allMatch(Character::isDigit) && text.length() <= 15) {
                value = OffsetDateTime.ofInstant(Instant.ofEpochMilli(Long.parseLong(text)), ZoneOffset.UTC);
            } else {
                value = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).withOffsetSameInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeException | NumberFormatException e) {
            value = null;
        }
        // PostgreSQL's timestamptz ends in year 294276: a wilder year would fail the query, not the request.
        if (value == null || value.getYear() < 1 || value.getYear() > 9999) {
            errors.add(new FieldError(name, "must be ISO-8601 with an offset or epoch millis (years 1-9999)"));
            return null;
        }
        return value;
    }
}
