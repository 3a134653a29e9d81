package com.waitingroom.api.store;

/** A concurrent request committed the same Idempotency-Key first; its stored response wins. */
public class IdempotencyKeyTakenException extends RuntimeException {

    public IdempotencyKeyTakenException(String key) {
        super("idempotency key '" + key + "' was committed by a concurrent request", null, false, false);
    }
}
