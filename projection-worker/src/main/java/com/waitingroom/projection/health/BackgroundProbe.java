package com.waitingroom.projection.health;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Repeats a dependency check on its own thread and keeps the last verdict, so a health endpoint
 * answers from memory at once even while the dependency hangs or refuses connections (a probe that
 * waits on a dead database reads as a probe timeout in Kubernetes, not as DOWN). A check without an
 * answer within the timeout counts as DOWN; it is not started again before it returns, so a hanging
 * dependency never piles up threads or connections.
 */
final class BackgroundProbe implements AutoCloseable {

    /** The last verdict; error is null when UP. */
    record Result(boolean up, String error, Instant checkedAt) {
    }

    private final String name;
    private final Callable<Boolean> check;
    private final Duration interval;
    private final Duration timeout;
    private final ExecutorService runner;
    private final ScheduledExecutorService ticker;
    private final CountDownLatch firstVerdict = new CountDownLatch(1);
    private Future<Boolean> inFlight; // ticker thread only
    private volatile Result last = new Result(false, "not checked yet", Instant.now());

    /** check answers true (UP), false or throws (DOWN); it should bound its own waits as well. */
    BackgroundProbe(String name, Callable<Boolean> check, Duration interval, Duration timeout) {
        this.name = name;
        this.check = check;
        this.interval = interval;
        this.timeout = timeout;
        this.runner = Executors.newSingleThreadExecutor(daemon("health-check-" + name));
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("health-ticker-" + name));
    }

    /** Checks now, then every interval after the previous round ended. */
    void start() {
        ticker.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits (at most about the timeout) for the first verdict, so readiness is known once start-up ends. */
    void awaitFirstVerdict() {
        try {
            firstVerdict.await(timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Never blocks. An UP verdict older than a few rounds (ticker stuck or stopped) reads as DOWN. */
    Result last() {
        Result result = last;
        Duration age = Duration.between(result.checkedAt(), Instant.now());
        if (result.up() && age.compareTo(interval.plus(timeout).multipliedBy(3)) > 0) {
            return new Result(false, "no check for " + age.toMillis() + " ms", result.checkedAt());
        }
        return result;
    }

    String name() {
        return name;
    }

    private void refresh() {
        try {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = runner.submit(check);
            }
            boolean up = Boolean.TRUE.equals(inFlight.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            last = new Result(up, up ? null : "check failed", Instant.now());
        } catch (TimeoutException e) {
            last = new Result(false, "no answer within " + timeout.toMillis() + " ms", Instant.now());
        } catch (ExecutionException e) {
            last = new Result(false, describe(e.getCause() == null ? e : e.getCause()), Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) { // e.g. rejected after close: never let the ticker die
            last = new Result(false, describe(e), Instant.now());
        }
        firstVerdict.countDown();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        runner.shutdownNow();
    }

    private static String describe(Throwable error) {
        String text = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return text.length() > 200 ? text.substring(0, 200) : text;
    }

    private static ThreadFactory daemon(String threadName) {
        return runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        };
    }
}
