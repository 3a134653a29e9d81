package com.waitingroom.ingest.protocol;

/** A (decompressed) body above {@code ingest.limits.max-body-bytes} (413, nothing stored). */
public class BodyTooLargeException extends RuntimeException {

    public BodyTooLargeException(String message) {
        super(message, null, false, false);
    }
}
