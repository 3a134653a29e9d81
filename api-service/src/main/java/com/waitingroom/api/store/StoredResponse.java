package com.waitingroom.api.store;

/** The committed response of a command sent with an Idempotency-Key. */
public record StoredResponse(
        String idempotencyKey,
        String requestHash,
        String aggregateId,
        long aggregateVersion,
        int status,
        String body,
        String location) {
}
