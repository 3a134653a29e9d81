package com.waitingroom.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.api.ClientRateLimiter.Limit;
import com.waitingroom.ingest.api.ClientRateLimiter.Refusal;

/** Token buckets per client address and per token subject, on a hand-driven clock. */
class ClientRateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);

    private ClientRateLimiter limiter(int perAddress, int addressBurst, int perSubject, int subjectBurst) {
        return new ClientRateLimiter(perAddress, addressBurst, perSubject, subjectBurst, clock::get);
    }

    @Test
    void offByDefault() {
        ClientRateLimiter limiter = limiter(0, 0, 0, 0);
        assertFalse(limiter.limitsSubjects());
        for (int i = 0; i < 100; i++) {
            assertNull(limiter.tryAcquire("10.0.0.1", "shipper", 1_000_000));
        }
        assertEquals(0, limiter.bucketCount());
    }

    @Test
    void perAddressLimitCountsEventsAndRefills() {
        ClientRateLimiter limiter = limiter(10, 20, 0, 0);
        assertNull(limiter.tryAcquire("10.0.0.1", "a", 15));
        Refusal refusal = limiter.tryAcquire("10.0.0.1", "b", 10);
        assertNotNull(refusal);
        assertEquals(Limit.CLIENT_ADDRESS, refusal.limit());
        assertEquals(10, refusal.eventsPerSecond());
        assertEquals(1, refusal.retryAfterSeconds(), "5 tokens missing at 10/s");
        assertTrue(refusal.detail().contains("client address"), refusal.detail());
        // another address has its own bucket
        assertNull(limiter.tryAcquire("10.0.0.2", "b", 20));
        clock.addAndGet(SECOND / 2);
        assertNull(limiter.tryAcquire("10.0.0.1", "b", 10));
    }

    @Test
    void perSubjectLimitFollowsTheSubjectAcrossAddresses() {
        ClientRateLimiter limiter = limiter(0, 0, 5, 10);
        assertTrue(limiter.limitsSubjects());
        assertNull(limiter.tryAcquire("10.0.0.1", "shipper-a", 6));
        Refusal refusal = limiter.tryAcquire("10.0.0.2", "shipper-a", 6);
        assertNotNull(refusal, "the subject's budget is shared by all its addresses");
        assertEquals(Limit.SUBJECT, refusal.limit());
        assertEquals("subject", refusal.limit().key);
        assertEquals(1, refusal.retryAfterSeconds(), "2 tokens missing at 5/s");
        // another subject from the same address is not affected
        assertNull(limiter.tryAcquire("10.0.0.1", "shipper-b", 10));
        // no subject (not authenticated): only the per-address limit, which is off here
        assertNull(limiter.tryAcquire("10.0.0.1", null, 1_000));
    }

    @Test
    void bothLimitsApplyAndARefusalTakesNothingFromTheOther() {
        ClientRateLimiter limiter = limiter(1, 30, 1, 10);
        assertNull(limiter.tryAcquire("10.0.0.1", "a", 10));
        // subject a is empty: refused by the subject limit, the address keeps its 20 tokens
        assertEquals(Limit.SUBJECT, limiter.tryAcquire("10.0.0.1", "a", 5).limit());
        assertNull(limiter.tryAcquire("10.0.0.1", "b", 10));
        assertNull(limiter.tryAcquire("10.0.0.1", "c", 10));
        // the address is empty now although subject d has its whole burst
        Refusal refusal = limiter.tryAcquire("10.0.0.1", "d", 1);
        assertEquals(Limit.CLIENT_ADDRESS, refusal.limit());
        // ... and d's bucket was not touched by that refusal: it can send its burst from elsewhere
        assertNull(limiter.tryAcquire("10.0.0.9", "d", 10));
    }

    @Test
    void aBatchLargerThanTheBurstPassesOnAFullBucketAndLeavesItInDebt() {
        ClientRateLimiter limiter = limiter(0, 0, 100, 100);
        assertNull(limiter.tryAcquire("10.0.0.1", "big", 500));
        Refusal refusal = limiter.tryAcquire("10.0.0.1", "big", 1);
        assertEquals(5, refusal.retryAfterSeconds(), "401 tokens of debt at 100/s");
        clock.addAndGet(5 * SECOND);
        assertNull(limiter.tryAcquire("10.0.0.1", "big", 1));
    }

    @Test
    void forgetsBucketsThatHaveRefilled() {
        ClientRateLimiter limiter = limiter(10, 10, 10, 10);
        limiter.tryAcquire("10.0.0.1", "a", 5);
        limiter.tryAcquire("10.0.0.2", "b", 5);
        assertEquals(4, limiter.bucketCount());
        limiter.evictIdle();
        assertEquals(4, limiter.bucketCount(), "not yet refilled");
        clock.addAndGet(SECOND);
        limiter.evictIdle();
        assertEquals(0, limiter.bucketCount());
    }
}
