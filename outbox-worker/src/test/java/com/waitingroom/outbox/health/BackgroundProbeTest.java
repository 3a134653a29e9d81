package com.waitingroom.outbox.health;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundProbeTest {

    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    @Test
    void aHangingCheckReadsDownAfterItsTimeoutIsNeverStartedTwiceAndRecovers() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicBoolean hang = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        try (BackgroundProbe probe = new BackgroundProbe("dependency", () -> {
            started.incrementAndGet();
            if (hang.get()) {
                release.await();
            }
            return true;
        }, INTERVAL, TIMEOUT)) {
            probe.start();
            probe.awaitFirstVerdict();
            assertTrue(probe.last().up());
            assertNull(probe.last().error());

            hang.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> !probe.last().up());
            assertEquals("no answer within 100 ms", probe.last().error());
            int startedBeforeWaiting = started.get();
            Thread.sleep(10 * INTERVAL.toMillis());
            assertEquals(startedBeforeWaiting, started.get(), "no second check while one hangs");

            hang.set(false);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.last().up());
        }
    }

    @Test
    void aFailingCheckReadsDownWithItsError() {
        try (BackgroundProbe probe = new BackgroundProbe("dependency", () -> {
            throw new SQLException("Connection refused");
        }, INTERVAL, TIMEOUT)) {
            probe.start();
            probe.awaitFirstVerdict();
            assertEquals("SQLException: Connection refused", probe.last().error());
        }
    }

    @Test
    void aCheckAnsweringFalseReadsDown() {
        try (BackgroundProbe probe = new BackgroundProbe("dependency", () -> false, INTERVAL, TIMEOUT)) {
            probe.start();
            probe.awaitFirstVerdict();
            assertFalse(probe.last().up());
            assertEquals("check failed", probe.last().error());
        }
    }

    @Test
    void anUpVerdictThatIsNoLongerRefreshedReadsDown() throws Exception {
        BackgroundProbe probe = new BackgroundProbe("dependency", () -> true, INTERVAL, TIMEOUT);
        probe.start();
        probe.awaitFirstVerdict();
        assertTrue(probe.last().up());
        probe.close(); // the ticker stops: the last UP grows old
        Thread.sleep(3 * (INTERVAL.toMillis() + TIMEOUT.toMillis()) + 100);
        assertTrue(probe.last().error().startsWith("no check for "), probe.last().toString());
    }
}
