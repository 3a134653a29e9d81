package com.waitingroom.outbox;

import com.waitingroom.outbox.domain.Backoff;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    @Test
    void doublesPerAttemptUpToTheCap() {
        assertEquals(1_000, backoff.nominalMillis(1));
        assertEquals(2_000, backoff.nominalMillis(2));
        assertEquals(4_000, backoff.nominalMillis(3));
        assertEquals(256_000, backoff.nominalMillis(9));
        assertEquals(300_000, backoff.nominalMillis(10));
        assertEquals(300_000, backoff.nominalMillis(1_000), "no overflow for huge attempt counts");
    }

    @Test
    void jitterStaysBetweenHalfAndTheFullNominalDelayAndActuallyVaries() {
        RandomGenerator random = new SplittableRandom(42);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1_000; i++) {
            long delay = backoff.delayMillis(3, random);
            assertTrue(delay >= 2_000 && delay <= 4_000, "delay " + delay);
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertTrue(max - min > 1_000, "jitter spreads retries, got " + min + ".." + max);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
