package com.waitingroom.outbox.messaging;

/**
 * Wakes idle relay workers. A generation counter makes a wake-up that arrives between a worker's
 * (empty) claim and its wait count, so no NOTIFY is ever slept through.
 */
public final class WakeUpSignal {

    private long generation;

    public synchronized long generation() {
        return generation;
    }

    public synchronized void wakeAll() {
        generation++;
        notifyAll();
    }

    /** Waits until a wake-up newer than {@code seen} or the timeout. */
    public synchronized void awaitAfter(long seen, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (generation == seen) {
            long remaining = (deadline - System.nanoTime()) / 1_000_000L;
            if (remaining <= 0) {
                return;
            }
            wait(remaining);
        }
    }
}
