package com.waitingroom.ingest.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Keyset position (timestamp, eventId) of the last row of a page, opaque to clients (base64url of
 * {@code epochMicros:eventId}). The next page starts strictly after it, so no OFFSET scan is needed.
 */
public record PageCursor(OffsetDateTime timestamp, String eventId) {

    public String encode() {
        Instant instant = timestamp.toInstant();
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, instant);
        String raw = micros + ":" + eventId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this service produced */
    public static PageCursor decode(String text) {
        if (text.length() > 300) {
            throw new IllegalArgumentException("cursor too long");
        }
        String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        int colon = raw.indexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
            throw new IllegalArgumentException("not a cursor");
        }
        long micros = Long.parseLong(raw.substring(0, colon));
        Instant instant = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
        return new PageCursor(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC), raw.substring(colon + 1));
    }
}
