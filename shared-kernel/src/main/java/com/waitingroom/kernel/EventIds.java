package com.waitingroom.kernel;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids: time-ordered UUIDs (RFC 9562 version 7: 48 bits of epoch milliseconds, then random
 * bits). Ids that grow with time land at the right edge of the indexes that hold them (the event
 * store's and outbox's {@code event_id}, the ingest tables' keys), the pages PostgreSQL already has
 * in memory, instead of on a random leaf of an index that outgrows shared buffers. The random bits come from
 * the thread-local generator: event ids must be unique, not unguessable, and
 * {@code UUID.randomUUID()} serialises every writer thread on one SecureRandom.
 */
public final class EventIds {

    private EventIds() {
    }

    public static UUID newId(Instant now) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (now.toEpochMilli() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }
}
