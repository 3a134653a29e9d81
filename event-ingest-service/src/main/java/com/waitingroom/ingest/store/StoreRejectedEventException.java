package com.waitingroom.ingest.store;

/** PostgreSQL refused the content of a request's events (a data error validation did not catch). */
public class StoreRejectedEventException extends RuntimeException {

    public StoreRejectedEventException(String message) {
        super(message, null, false, false);
    }
}
