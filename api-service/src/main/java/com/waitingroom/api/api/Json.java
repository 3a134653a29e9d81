package com.waitingroom.api.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.kernel.EventCodec;

/**
 * The service writes its JSON itself (same settings as the event codec: ISO instants, no nulls)
 * so a stored idempotent response is byte-for-byte what the first call returned.
 */
public final class Json {

    public static final ObjectMapper MAPPER = EventCodec.newObjectMapper();

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
