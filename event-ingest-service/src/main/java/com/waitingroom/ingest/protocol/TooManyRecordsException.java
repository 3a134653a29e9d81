package com.waitingroom.ingest.protocol;

/** More log records in one request than {@code ingest.limits.max-protocol-records} (413, nothing stored). */
public class TooManyRecordsException extends RuntimeException {

    public TooManyRecordsException(int max) {
        super("more than " + max + " log records in one request; send smaller batches", null, false, false);
    }
}
