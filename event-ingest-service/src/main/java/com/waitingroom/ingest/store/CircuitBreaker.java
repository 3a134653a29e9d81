package com.waitingroom.ingest.store;

import java.time.Duration;

/**
 * Opens when a flush fails for a reason PostgreSQL-side (connection lost, server unavailable):
 * new requests get 503 instead of piling up, and the flusher waits before retrying. The pause
 * doubles on every consecutive failure up to a maximum; one successful flush closes it.
 */
public final class CircuitBreaker {

    private final long initialOpenNanos;
    private final long maxOpenNanos;
    private volatile long openUntilNanos;
    private volatile boolean open;
    private long currentOpenNanos;

    public CircuitBreaker(Duration initialOpen, Duration maxOpen) {
        this.initialOpenNanos = initialOpen.toNanos();
        this.maxOpenNanos = maxOpen.toNanos();
        this.currentOpenNanos = initialOpenNanos;
    }

    public synchronized void recordFailure() {
        if (open) {
            currentOpenNanos = Math.min(maxOpenNanos, currentOpenNanos * 2);
        } else {
            currentOpenNanos = initialOpenNanos;
        }
        openUntilNanos = System.nanoTime() + currentOpenNanos;
        open = true;
    }

    public synchronized void recordSuccess() {
        open = false;
        currentOpenNanos = initialOpenNanos;
    }

    /** True while requests should be refused (open, including the half-open probe period). */
    public boolean isOpen() {
        return open;
    }

    /** Nanoseconds until the next retry may be attempted (0 when it may run now). */
    public long nanosUntilRetry() {
        return open ? Math.max(0, openUntilNanos - System.nanoTime()) : 0;
    }

    /** Seconds a refused client should wait, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (nanosUntilRetry() + 999_999_999L) / 1_000_000_000L);
    }
}
