package com.waitingroom.ingest.domain;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 timestamps with an offset, as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} reads them,
 * without its cost for the shape producers actually send ({@code 2026-01-31T10:15:30[.fraction](Z|+hh:mm)}):
 * the generic formatter builds and resolves a field map per call and was half of the service's
 * per-event CPU. Anything else (lower-case letters, omitted seconds, offsets with seconds, years
 * beyond 9999, invalid dates...) goes to the formatter itself, so accepted values, results and
 * errors are the formatter's.
 */
public final class IsoTimestamps {

    private IsoTimestamps() {
    }

    /** @throws java.time.format.DateTimeParseException as the formatter would */
    public static Instant parse(String text) {
        Instant fast = parseCommonShape(text);
        return fast != null ? fast : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    /** The UTC {@link OffsetDateTime} of an instant, without {@code ZoneOffset.getRules()} (a new object per call). */
    public static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.of(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC),
                ZoneOffset.UTC);
    }

    /** The instant, or null when the text is not exactly the common shape or not a valid date-time. */
    static Instant parseCommonShape(String s) {
        int length = s.length();
        if (length < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int position = 19;
        int nanos = 0;
        if (s.charAt(position) == '.') {
            int start = ++position;
            while (position < length && isDigit(s.charAt(position))) {
                position++;
            }
            int count = position - start;
            if (count == 0 || count > 9) {
                return null;
            }
            nanos = digits(s, start, count);
            for (int i = count; i < 9; i++) {
                nanos *= 10;
            }
        }
        ZoneOffset offset;
        if (position == length - 1 && s.charAt(position) == 'Z') {
            offset = ZoneOffset.UTC;
        } else if (position == length - 6 && (s.charAt(position) == '+' || s.charAt(position) == '-')
                && s.charAt(position + 3) == ':') {
            int offsetHours = digits(s, position + 1, 2);
            int offsetMinutes = digits(s, position + 4, 2);
            if ((offsetHours | offsetMinutes) < 0) {
                return null;
            }
            int sign = s.charAt(position) == '-' ? -1 : 1;
            try {
                offset = ZoneOffset.ofHoursMinutes(sign * offsetHours, sign * offsetMinutes);
            } catch (DateTimeException e) {
                return null;
            }
        } else {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(offset);
        } catch (DateTimeException e) {
            return null; // e.g. February 30th: the formatter words the error
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The decimal value of {@code count} ASCII digits at {@code from}, or -1 if one is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
