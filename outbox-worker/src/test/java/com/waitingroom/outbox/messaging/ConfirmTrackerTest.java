package com.waitingroom.outbox.messaging;

import com.waitingroom.outbox.domain.PublishOutcome;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The confirm timeout is a quiet period: a batch the broker keeps confirming is waited for. */
class ConfirmTrackerTest {

    private static final long QUIET_MILLIS = 1000;

    @Test
    void aBatchConfirmedSteadilyIsWaitedForPastTheQuietPeriod() throws Exception {
        ConfirmTracker batch = new ConfirmTracker(1, 6);
        Thread broker = new Thread(() -> {
            try {
                for (long tag = 1; tag <= 6; tag++) { // 6 x 250 ms: 1.5 quiet periods in all
                    Thread.sleep(QUIET_MILLIS / 4);
                    batch.resolve(tag, false, null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        broker.start();
        assertTrue(batch.await(QUIET_MILLIS), "each confirm came within the quiet period of the one before");
        broker.join();
        assertEquals(6, batch.outcomes().stream().filter(PublishOutcome::confirmed).count());
    }

    @Test
    void aBatchTheBrokerStoppedConfirmingTimesOut() throws Exception {
        ConfirmTracker batch = new ConfirmTracker(1, 3);
        batch.resolve(1, false, null);
        long started = System.nanoTime();
        assertFalse(batch.await(QUIET_MILLIS));
        assertTrue(System.nanoTime() - started >= QUIET_MILLIS * 1_000_000L, "not before the quiet period passed");
    }
}
