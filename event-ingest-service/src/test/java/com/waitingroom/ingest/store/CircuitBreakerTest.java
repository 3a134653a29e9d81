package com.waitingroom.ingest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    @Test
    void opensOnFailureBacksOffExponentiallyUpToTheMaximumAndClosesOnSuccess() {
        CircuitBreaker breaker = new CircuitBreaker(Duration.ofSeconds(2), Duration.ofSeconds(9));
        assertFalse(breaker.isOpen());
        assertEquals(0, breaker.nanosUntilRetry());

        breaker.recordFailure();
        assertTrue(breaker.isOpen());
        assertTrue(breaker.nanosUntilRetry() > Duration.ofMillis(1500).toNanos());
        assertEquals(2, breaker.retryAfterSeconds());

        breaker.recordFailure(); // 4 s
        assertTrue(breaker.nanosUntilRetry() > Duration.ofMillis(3500).toNanos());
        breaker.recordFailure(); // 8 s
        breaker.recordFailure(); // capped at 9 s
        assertTrue(breaker.nanosUntilRetry() <= Duration.ofSeconds(9).toNanos());
        assertTrue(breaker.nanosUntilRetry() > Duration.ofMillis(8500).toNanos());
        assertEquals(9, breaker.retryAfterSeconds());

        breaker.recordSuccess();
        assertFalse(breaker.isOpen());
        breaker.recordFailure(); // back to the initial pause
        assertTrue(breaker.nanosUntilRetry() <= Duration.ofSeconds(2).toNanos());
    }
}
