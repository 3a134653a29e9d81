package com.waitingroom.api.store;

/** The event store could not be used and nothing was recorded: the request can be retried later. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(Throwable cause) {
        super("event store unavailable: " + cause, cause, false, false);
    }
}
