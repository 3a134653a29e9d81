package com.waitingroom.support.shutdown;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests a service has taken and not answered yet, for its drain at shutdown: each is counted
 * in when taken and out when answered, and the drain waits until none is left (or its time is up).
 */
public final class InFlight {

    private final AtomicInteger count = new AtomicInteger();

    public void started() {
        count.incrementAndGet();
    }

    public void finished() {
        count.decrementAndGet();
    }

    public int count() {
        return count.get();
    }

    /** Waits until none is in flight or {@code timeout} has passed; returns how many still are. */
    public int awaitNone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.get() > 0 && System.nanoTime() < deadline && pause(Duration.ofMillis(5))) {
            // waiting for their answers
        }
        return count.get();
    }

    /** Sleeps; false when interrupted (the interrupt flag is kept, and shutdown goes on at once). */
    public static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
