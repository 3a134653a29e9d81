package com.waitingroom.api.store;

import com.waitingroom.api.domain.CheckIn;
import com.waitingroom.api.domain.WaitingQueue;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueueStateCacheTest {

    private static WaitingQueue queueAtVersion(String queueId, int patients) {
        WaitingQueue queue = WaitingQueue.empty(queueId);
        for (int i = 0; i < patients; i++) {
            queue.checkIn(CheckIn.of("P" + i, "Name", "Low", "General", null, null, false));
        }
        return queue;
    }

    @Test
    void aTakenStateBelongsToOneCommandOnly() {
        QueueStateCache cache = new QueueStateCache(10);
        WaitingQueue committed = queueAtVersion("Q", 1);
        cache.put(committed);

        assertSame(committed, cache.take("Q").orElseThrow());
        assertEquals(Optional.empty(), cache.take("Q"), "a second command loads from the store instead");
    }

    @Test
    void anOlderStateNeverReplacesANewerOne() {
        QueueStateCache cache = new QueueStateCache(10);
        WaitingQueue newer = queueAtVersion("Q", 2);
        cache.put(newer);
        cache.put(queueAtVersion("Q", 1));
        assertSame(newer, cache.take("Q").orElseThrow());
    }

    @Test
    void theLeastRecentlyUsedQueueIsDroppedBeyondTheBoundAndZeroDisablesTheCache() {
        QueueStateCache cache = new QueueStateCache(2);
        cache.put(queueAtVersion("A", 1));
        cache.put(queueAtVersion("B", 1));
        cache.put(queueAtVersion("C", 1));
        assertTrue(cache.take("A").isEmpty());
        assertTrue(cache.take("B").isPresent());
        assertTrue(cache.take("C").isPresent());

        QueueStateCache disabled = new QueueStateCache(0);
        disabled.put(queueAtVersion("A", 1));
        assertTrue(disabled.take("A").isEmpty());
    }

    @Test
    void aQueueThatDoesNotExistIsNotCached() {
        QueueStateCache cache = new QueueStateCache(10);
        cache.put(WaitingQueue.empty("Q"));
        assertTrue(cache.take("Q").isEmpty());
    }
}
