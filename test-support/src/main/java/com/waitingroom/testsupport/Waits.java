package com.waitingroom.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling a condition (every 20 ms) for tests that wait on another process or thread. */
public final class Waits {

    private Waits() {
    }

    /** Waits until the condition holds or the timeout passes, whichever comes first; not an assertion. */
    public static void waitUpTo(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Waits until the condition holds; fails the test with "timed out: what" after the timeout. */
    public static void awaitTrue(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(20);
        }
    }
}
