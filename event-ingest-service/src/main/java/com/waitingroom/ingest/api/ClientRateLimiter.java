package com.waitingroom.ingest.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.waitingroom.ingest.config.IngestConfig;

import io.quarkus.scheduler.Scheduled;

/**
 * Token buckets counted in events (a batch of 500 costs 500), one set per client address
 * ({@code ingest.rate-limit.events-per-second}) and one per client identity, the token's {@code sub}
 * ({@code ingest.rate-limit.events-per-second-per-subject}). Both apply: a request passes only when
 * both its address and its subject have the tokens, and a request one of them refuses takes nothing
 * from the other. Each limit is off when its rate is 0, the default, so loopback benchmarks are not
 * throttled.
 */
@ApplicationScoped
public class ClientRateLimiter {

    /** Which limit refused a request (the {@code limit} member of the 429 problem). */
    public enum Limit {
        CLIENT_ADDRESS("client-address", "This client address"),
        SUBJECT("subject", "This client identity (token subject)");

        public final String key;
        final String who;

        Limit(String key, String who) {
            this.key = key;
            this.who = who;
        }
    }

    /** A refused request: the limit it hit, that limit's rate and when to retry. */
    public record Refusal(Limit limit, int eventsPerSecond, long retryAfterSeconds) {
        public String detail() {
            return limit.who + " exceeded " + eventsPerSecond + " events per second; retry after " + retryAfterSeconds + " s";
        }
    }

    private final Buckets perAddress;
    private final Buckets perSubject;
    private final LongSupplier nanoTime;

    @Inject
    public ClientRateLimiter(IngestConfig config) {
        this(config.rateLimit().eventsPerSecond(), config.rateLimit().burst(),
                config.rateLimit().eventsPerSecondPerSubject(), config.rateLimit().burstPerSubject(), System::nanoTime);
    }

    /** For tests: rates in events per second (0 = off), bursts (0 = one second of events), a clock in nanoseconds. */
    ClientRateLimiter(int perAddressRate, int perAddressBurst, int perSubjectRate, int perSubjectBurst, LongSupplier nanoTime) {
        this.perAddress = new Buckets(Limit.CLIENT_ADDRESS, perAddressRate, perAddressBurst);
        this.perSubject = new Buckets(Limit.SUBJECT, perSubjectRate, perSubjectBurst);
        this.nanoTime = nanoTime;
    }

    /** Whether requests need their subject for {@link #tryAcquire} (so the caller looks it up only then). */
    public boolean limitsSubjects() {
        return perSubject.enabled;
    }

    /**
     * Takes {@code events} tokens from the address's and the subject's bucket.
     *
     * @param subject the token's {@code sub}; null skips the per-subject limit
     * @return null when allowed, otherwise which limit refused and when to retry (nothing was taken)
     */
    public Refusal tryAcquire(String address, String subject, int events) {
        long now = nanoTime.getAsLong();
        Refusal refusal = perAddress.take(address, events, now);
        if (refusal != null || subject == null || !perSubject.enabled) {
            return refusal;
        }
        refusal = perSubject.take(subject, events, now);
        if (refusal != null) {
            perAddress.giveBack(address, events, now);
        }
        return refusal;
    }

    /** Forget clients whose bucket has refilled, so the maps do not grow with every address and subject ever seen. */
    @Scheduled(every = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evictIdle() {
        long now = nanoTime.getAsLong();
        perAddress.evictFull(now);
        perSubject.evictFull(now);
    }

    /** Number of buckets held (for tests). */
    int bucketCount() {
        return perAddress.buckets.size() + perSubject.buckets.size();
    }

    /** The buckets of one limit, keyed by address or subject. */
    private static final class Buckets {
        final Limit limit;
        final boolean enabled;
        final int rate;
        final double ratePerNano;
        final double capacity;
        final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

        Buckets(Limit limit, int rate, int burst) {
            this.limit = limit;
            this.enabled = rate > 0;
            this.rate = rate;
            this.ratePerNano = rate / 1_000_000_000.0;
            this.capacity = burst > 0 ? burst : rate;
        }

        Refusal take(String key, int events, long now) {
            if (!enabled) {
                return null;
            }
            Bucket bucket = buckets.computeIfAbsent(key, ignored -> new Bucket(capacity, now));
            long wait = bucket.take(events, now, ratePerNano, capacity);
            return wait == 0 ? null : new Refusal(limit, rate, wait);
        }

        void giveBack(String key, int events, long now) {
            if (!enabled) {
                return;
            }
            Bucket bucket = buckets.get(key);
            if (bucket != null) {
                bucket.giveBack(events, now, ratePerNano, capacity);
            }
        }

        void evictFull(long now) {
            buckets.entrySet().removeIf(entry -> entry.getValue().isFull(now, ratePerNano, capacity));
        }
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double capacity, long now) {
            this.tokens = capacity;
            this.refilledAt = now;
        }

        /** @return 0 when taken, otherwise the seconds to wait before retrying */
        synchronized long take(int events, long now, double ratePerNano, double capacity) {
            refill(now, ratePerNano, capacity);
            // a batch larger than the burst passes when the bucket is full and leaves it in debt
            if (tokens >= Math.min(events, capacity)) {
                tokens -= events;
                return 0;
            }
            double missing = Math.min(events, capacity) - tokens;
            return Math.max(1, (long) Math.ceil(missing / ratePerNano / 1_000_000_000.0));
        }

        synchronized void giveBack(int events, long now, double ratePerNano, double capacity) {
            refill(now, ratePerNano, capacity);
            tokens = Math.min(capacity, tokens + events);
        }

        synchronized boolean isFull(long now, double ratePerNano, double capacity) {
            refill(now, ratePerNano, capacity);
            return tokens >= capacity;
        }

        private void refill(long now, double ratePerNano, double capacity) {
            if (now > refilledAt) {
                tokens = Math.min(capacity, tokens + (now - refilledAt) * ratePerNano);
                refilledAt = now;
            }
        }
    }
}
