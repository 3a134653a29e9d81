package com.waitingroom.outbox.domain;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with "equal jitter": the delay for attempt n is half of
 * min(cap, base * 2^(n-1)) plus a random share of the other half, so replicas that failed
 * together do not retry in lock-step, yet a retry never comes sooner than half the nominal delay.
 */
public record Backoff(Duration base, Duration cap) {

    public Backoff {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("backoff base must be positive");
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff cap must be >= base");
        }
    }

    /** The nominal (un-jittered) delay after the given number of failed attempts (>= 1). */
    public long nominalMillis(int failedAttempts) {
        int exponent = Math.max(0, Math.min(failedAttempts - 1, 30));
        long delay = base.toMillis() << exponent;
        return delay <= 0 ? cap.toMillis() : Math.min(cap.toMillis(), delay);
    }

    public long delayMillis(int failedAttempts, RandomGenerator random) {
        long nominal = nominalMillis(failedAttempts);
        long half = nominal / 2;
        return half + (nominal - half == 0 ? 0 : random.nextLong(nominal - half + 1));
    }
}
