package com.waitingroom.support.health;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundProbeTest {

    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Duration TIMEOUT = Duration.ofMillis(100);
    private static final Duration EVENTUALLY = Duration.ofSeconds(5);

    @Test
    void aHangingBlockingCheckReadsDownAfterItsTimeoutIsNeverStartedTwiceAndRecovers() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicBoolean hang = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        try (BackgroundProbe probe = BackgroundProbe.blocking("dependency", () -> {
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
            await().atMost(EVENTUALLY).until(() -> !probe.last().up());
            assertEquals("no answer within 100 ms", probe.last().error());
            int startedBeforeWaiting = started.get();
            Thread.sleep(10 * INTERVAL.toMillis());
            assertEquals(startedBeforeWaiting, started.get(), "no second check while one hangs");

            hang.set(false);
            release.countDown();
            await().atMost(EVENTUALLY).until(() -> probe.last().up());
        }
    }

    @Test
    void aHangingAsyncCheckReadsDownAfterItsTimeoutIsNeverStartedTwiceAndRecovers() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(CompletableFuture.completedFuture(null));
        try (BackgroundProbe probe = BackgroundProbe.async("dependency", () -> {
            started.incrementAndGet();
            return next.get();
        }, INTERVAL, TIMEOUT)) {
            probe.start();
            probe.awaitFirstVerdict();
            assertTrue(probe.last().up());
            assertNull(probe.last().error());

            CompletableFuture<Void> hanging = new CompletableFuture<>();
            next.set(hanging);
            await().atMost(EVENTUALLY).until(() -> !probe.last().up());
            assertEquals("no answer within 100 ms", probe.last().error());
            int startedBeforeWaiting = started.get();
            Thread.sleep(10 * INTERVAL.toMillis());
            assertEquals(startedBeforeWaiting, started.get(), "no second check while one hangs");

            next.set(CompletableFuture.completedFuture(null));
            hanging.complete(null);
            await().atMost(EVENTUALLY).until(() -> probe.last().up());
        }
    }

    @Test
    void aFirstCheckThatHangsStillGivesAVerdictAtStartUp() {
        CountDownLatch never = new CountDownLatch(1);
        assertDown("no answer within 100 ms", firstVerdict(BackgroundProbe.blocking("dependency", () -> {
            never.await();
            return true;
        }, INTERVAL, TIMEOUT)));
    }

    @Test
    void aBlockingCheckThatThrowsReadsDownWithItsError() {
        assertDown("SQLException: Connection refused", firstVerdict(BackgroundProbe.blocking("dependency", () -> {
            throw new SQLException("Connection refused");
        }, INTERVAL, TIMEOUT)));
    }

    @Test
    void aBlockingCheckAnsweringFalseReadsDown() {
        assertDown("check failed", firstVerdict(BackgroundProbe.blocking("dependency", () -> false, INTERVAL, TIMEOUT)));
    }

    @Test
    void anAsyncCheckThatFailsReadsDownWithItsError() {
        assertDown("ConnectException: Connection refused", firstVerdict(BackgroundProbe.async("dependency",
                () -> CompletableFuture.failedFuture(new ConnectException("Connection refused")), INTERVAL, TIMEOUT)));
    }

    @Test
    void anAsyncCheckThatThrowsInsteadOfFailingReadsDown() {
        assertDown("IllegalStateException: pool closed", firstVerdict(BackgroundProbe.async("dependency", () -> {
            throw new IllegalStateException("pool closed");
        }, INTERVAL, TIMEOUT)));
    }

    @Test
    void anUpVerdictThatIsNoLongerRefreshedReadsDown() throws Exception {
        BackgroundProbe probe = BackgroundProbe.blocking("dependency", () -> true, INTERVAL, TIMEOUT);
        probe.start();
        probe.awaitFirstVerdict();
        assertTrue(probe.last().up());
        probe.close(); // the ticker stops: the last UP grows old
        Thread.sleep(3 * (INTERVAL.toMillis() + TIMEOUT.toMillis()) + 100);
        assertFalse(probe.last().up());
        assertTrue(probe.last().error().startsWith("no check for "), probe.last().toString());
    }

    @Test
    void anIntervalOrTimeoutThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BackgroundProbe.blocking("dependency", () -> true, Duration.ZERO, TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> BackgroundProbe.async("dependency",
                () -> CompletableFuture.completedFuture(null), INTERVAL, Duration.ofMillis(-1)));
    }

    private static BackgroundProbe.Result firstVerdict(BackgroundProbe probe) {
        try (probe) {
            probe.start();
            probe.awaitFirstVerdict();
            return probe.last();
        }
    }

    private static void assertDown(String error, BackgroundProbe.Result result) {
        assertFalse(result.up(), result.toString());
        assertEquals(error, result.error());
    }
}
