package com.waitingroom.projection.store;

import java.time.Instant;
import java.util.UUID;

/** A queue whose read model is parked: the event that failed, why, since when, and how much waits. */
public record ParkedQueue(String queueId, UUID eventId, long version, String eventType, String error,
                          Instant firstFailedAt, Instant lastAttemptAt, int attempts, long parkedEvents) {
}
