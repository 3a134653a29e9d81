package com.waitingroom.api.store;

/** Another writer appended to the stream first: the version we meant to write is taken. */
public class VersionConflictException extends RuntimeException {

    public VersionConflictException(String message) {
        super(message, null, false, false);
    }
}
