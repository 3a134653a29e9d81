package com.waitingroom.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens already verified, with what their verification gave, until they expire. Verifying an
 * RS256 token (parse, signature, claims) costs far more CPU than a command; a member of staff sends
 * the same token with every command, so each token is verified once. How long a token stays
 * accepted after the issuer withdraws its key is bounded by smallrye-jwt's own JWKS refresh
 * (smallrye.jwt.jwks.refresh-interval, 60 min by default) anyway; the cache adds no more than its
 * maximum age to a token that is already accepted. An entry lives until the
 * token's {@code exp} but at most {@code maxAgeMillis}. Bounded (about {@code maxEntries}: the size
 * check and the insert are not one step): when full, expired entries are dropped (a sweep at most
 * once a second, so a full cache does not cost a scan per request), and a token that still does not
 * fit is verified every time rather than evicting others.
 *
 * @param <V> what a verification yields (the security identity)
 */
public final class VerifiedTokens<V> {

    private record Entry<V>(V value, long validUntilMillis) {
    }

    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private static final long SWEEP_EVERY_MILLIS = 1_000;

    private final int maxEntries;
    private final long maxAgeMillis;
    private volatile long lastSweepMillis = Long.MIN_VALUE / 2;

    public VerifiedTokens(int maxEntries, long maxAgeMillis) {
        this.maxEntries = maxEntries;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** The verified value of this token, or null when it must be verified (unknown or expired). */
    public V get(String token, long nowMillis) {
        Entry<V> entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (nowMillis >= entry.validUntilMillis()) {
            entries.remove(token, entry);
            return null;
        }
        return entry.value();
    }

    /** Remembers a verified token until {@code expiresAtMillis} (its exp) or the maximum age. */
    public void put(String token, V value, long expiresAtMillis, long nowMillis) {
        if (maxEntries <= 0) {
            return;
        }
        long validUntil = Math.min(expiresAtMillis, nowMillis + maxAgeMillis);
        if (validUntil <= nowMillis) {
            return;
        }
        if (entries.size() >= maxEntries) {
            if (nowMillis - lastSweepMillis >= SWEEP_EVERY_MILLIS) {
                lastSweepMillis = nowMillis;
                entries.values().removeIf(entry -> nowMillis >= entry.validUntilMillis());
            }
            if (entries.size() >= maxEntries) {
                return;
            }
        }
        entries.put(token, new Entry<>(value, validUntil));
    }

    public int size() {
        return entries.size();
    }
}
