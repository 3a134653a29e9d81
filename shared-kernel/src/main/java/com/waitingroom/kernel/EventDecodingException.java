package com.waitingroom.kernel;

/** Bytes that are not a valid event: malformed JSON, a missing field, or an unknown type. */
public class EventDecodingException extends RuntimeException {

    public EventDecodingException(String message) {
        super(message);
    }

    public EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
