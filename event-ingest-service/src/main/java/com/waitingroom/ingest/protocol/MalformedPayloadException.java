package com.waitingroom.ingest.protocol;

/** A body that is not a valid message of the protocol (400, nothing stored). */
public class MalformedPayloadException extends RuntimeException {

    public MalformedPayloadException(String message) {
        super(message, null, false, false);
    }
}
