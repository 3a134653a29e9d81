package com.waitingroom.api.store;

/**
 * The connection broke after an append statement was sent and before its answer arrived: the
 * statement may or may not have committed. Its idempotent response, if any, was written in the
 * same statement, so a retry with the same Idempotency-Key either replays it or commits once.
 */
public class CommitOutcomeUnknownException extends RuntimeException {

    public CommitOutcomeUnknownException(Throwable cause) {
        super("connection lost before the append's outcome was known: " + cause, cause, false, false);
    }
}
