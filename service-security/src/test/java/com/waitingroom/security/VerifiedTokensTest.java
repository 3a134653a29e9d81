package com.waitingroom.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class VerifiedTokensTest {

    @Test
    void aTokenIsReusedUntilItExpires() {
        VerifiedTokens<String> tokens = new VerifiedTokens<>(10, 300_000);
        tokens.put("t1", "alice", 10_000, 1_000);
        assertEquals("alice", tokens.get("t1", 9_999));
        assertNull(tokens.get("t1", 10_000), "expired at exp");
        assertEquals(0, tokens.size(), "the expired entry is dropped");
    }

    @Test
    void theMaximumAgeBoundsAnEntryEvenWhenTheTokenLivesLonger() {
        VerifiedTokens<String> tokens = new VerifiedTokens<>(10, 5_000);
        tokens.put("t1", "alice", 1_000_000, 1_000);
        assertEquals("alice", tokens.get("t1", 5_999));
        assertNull(tokens.get("t1", 6_000));
    }

    @Test
    void anAlreadyExpiredTokenIsNotRemembered() {
        VerifiedTokens<String> tokens = new VerifiedTokens<>(10, 5_000);
        tokens.put("t1", "alice", 1_000, 1_000);
        assertNull(tokens.get("t1", 1_000));
        assertEquals(0, tokens.size());
    }

    @Test
    void whenFullExpiredEntriesMakeRoomAndLiveOnesAreNeverEvicted() {
        VerifiedTokens<String> tokens = new VerifiedTokens<>(2, 60_000);
        tokens.put("old", "a", 2_000, 1_000);
        tokens.put("live", "b", 50_000, 1_000);
        tokens.put("new", "c", 50_000, 3_000);
        assertNull(tokens.get("old", 3_000));
        assertEquals("b", tokens.get("live", 3_000));
        assertEquals("c", tokens.get("new", 3_000));
        tokens.put("extra", "d", 50_000, 3_000);
        assertNull(tokens.get("extra", 3_000), "no room: verified each time instead");
        assertEquals("b", tokens.get("live", 3_000));
    }

    @Test
    void zeroEntriesTurnsTheCacheOff() {
        VerifiedTokens<String> tokens = new VerifiedTokens<>(0, 60_000);
        tokens.put("t1", "alice", 50_000, 1_000);
        assertNull(tokens.get("t1", 2_000));
    }
}
