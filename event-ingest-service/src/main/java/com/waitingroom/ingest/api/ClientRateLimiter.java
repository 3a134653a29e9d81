package com.waitingroom.ingest.api;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.waitingroom.ingest.config.IngestConfig;

import io.quarkus.scheduler.Scheduled;

/**
 * Token bucket per client address, counted in events (a batch of 500 costs 500). Off when the
 * configured rate is 0, which is the default so loopback benchmarks are not throttled.
 */
@ApplicationScoped
public class ClientRateLimiter {

    private final double ratePerNano;
    private final double capacity;
    private final boolean enabled;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public ClientRateLimiter(IngestConfig config) {
        int rate = config.rateLimit().eventsPerSecond();
        this.enabled = rate > 0;
        this.ratePerNano = rate / 1_000_000_000.0;
        this.capacity = config.rateLimit().burst() > 0 ? config.rateLimit().burst() : rate;
    }

    public boolean enabled() {
        return enabled;
    }

    /** @return 0 when allowed, otherwise the seconds to wait before retrying */
    public long tryAcquire(String client, int events) {
        if (!enabled) {
            return 0;
        }
        Bucket bucket = buckets.computeIfAbsent(client, key -> new Bucket(capacity));
        return bucket.take(events, ratePerNano, capacity);
    }

    /** Forget clients whose bucket has refilled, so the map does not grow with every address ever seen. */
    @Scheduled(every = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evictIdle() {
        long now = System.nanoTime();
        buckets.entrySet().removeIf(entry -> entry.getValue().isFull(now, ratePerNano, capacity));
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt = System.nanoTime();

        Bucket(double capacity) {
            this.tokens = capacity;
        }

        synchronized long take(int events, double ratePerNano, double capacity) {
            refill(System.nanoTime(), ratePerNano, capacity);
            // a batch larger than the burst passes when the bucket is full and leaves it in debt
            if (tokens >= Math.min(events, capacity)) {
                tokens -= events;
                return 0;
            }
            double missing = Math.min(events, capacity) - tokens;
            return Math.max(1, (long) Math.ceil(missing / ratePerNano / 1_000_000_000.0));
        }

        synchronized boolean isFull(long now, double ratePerNano, double capacity) {
            refill(now, ratePerNano, capacity);
            return tokens >= capacity;
        }

        private void refill(long now, double ratePerNano, double capacity) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * ratePerNano);
            refilledAt = now;
        }
    }
}
