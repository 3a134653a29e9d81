package com.waitingroom.support.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Repeats a dependency check in the background and keeps the last verdict, so a health endpoint
 * answers at once from memory even while the dependency hangs or refuses connections (a probe that
 * waits on a dead database reads as a probe timeout in Kubernetes, not as DOWN).
 * A check without an answer within {@code timeout} counts as DOWN; no new one starts until it
 * returns, so a hanging dependency never piles up threads, queries or connections.
 * <p>
 * Two kinds of check: {@link #blocking} (JDBC, a broker client: runs on a thread of its own) and
 * {@link #async} (a reactive client's query: nothing blocks). JDK only, so it works in native images.
 */
public final class BackgroundProbe implements AutoCloseable {

    /** The last verdict; {@code error} is null when UP. */
    public record Result(boolean up, String error, Instant checkedAt) {
    }

    private static final int MAX_ERROR_LENGTH = 200;
    /** Extra wait for the first verdict beyond the timeout: the ticker thread has to start. */
    private static final long FIRST_VERDICT_SLACK_MILLIS = 200;

    private final String name;
    private final Supplier<CompletableFuture<Boolean>> startCheck;
    private final ExecutorService runner; // blocking checks only, else null
    private final Duration interval;
    private final Duration timeout;
    private final ScheduledExecutorService ticker;
    private final CountDownLatch firstVerdict = new CountDownLatch(1);
    private CompletableFuture<Boolean> inFlight; // ticker thread only
    private volatile Result last = new Result(false, "not checked yet", Instant.now());

    private BackgroundProbe(String name, Supplier<CompletableFuture<Boolean>> startCheck, ExecutorService runner,
                            Duration interval, Duration timeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.startCheck = startCheck;
        this.runner = runner;
        this.interval = requirePositive(interval, "interval");
        this.timeout = requirePositive(timeout, "timeout");
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("health-ticker-" + name));
    }

    /**
     * A check that blocks: it runs on the probe's own thread and answers true (UP), false or throws
     * (DOWN). It should bound its own waits too (a hung one holds that thread until it returns).
     */
    public static BackgroundProbe blocking(String name, Callable<Boolean> check, Duration interval, Duration timeout) {
        Objects.requireNonNull(check, "check");
        ExecutorService runner = Executors.newSingleThreadExecutor(daemon("health-check-" + name));
        return new BackgroundProbe(name, () -> CompletableFuture.supplyAsync(() -> callUnchecked(check), runner),
                runner, interval, timeout);
    }

    /** A non-blocking check: its stage completes normally (UP) or exceptionally (DOWN); throwing is DOWN too. */
    public static BackgroundProbe async(String name, Supplier<? extends CompletionStage<?>> check, Duration interval,
                                        Duration timeout) {
        Objects.requireNonNull(check, "check");
        return new BackgroundProbe(name, () -> check.get().toCompletableFuture().thenApply(answer -> true),
                null, interval, timeout);
    }

    /** Checks now, then every interval after the previous round ended. */
    public void start() {
        ticker.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits (at most about the timeout) for the first verdict, so readiness is known once start-up ends. */
    public void awaitFirstVerdict() {
        try {
            firstVerdict.await(timeout.toMillis() + FIRST_VERDICT_SLACK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Never blocks. An UP verdict older than a few rounds (ticker stuck or stopped) reads as DOWN. */
    public Result last() {
        Result result = last;
        Duration age = Duration.between(result.checkedAt(), Instant.now());
        if (result.up() && age.compareTo(interval.plus(timeout).multipliedBy(3)) > 0) {
            return new Result(false, "no check for " + age.toMillis() + " ms", result.checkedAt());
        }
        return result;
    }

    public String name() {
        return name;
    }

    private void refresh() {
        try {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = startCheck.get();
            }
            boolean up = Boolean.TRUE.equals(inFlight.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            last = new Result(up, up ? null : "check failed", Instant.now());
        } catch (TimeoutException e) {
            last = new Result(false, "no answer within " + timeout.toMillis() + " ms", Instant.now());
        } catch (ExecutionException e) {
            last = new Result(false, describe(e.getCause() == null ? e : e.getCause()), Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) { // the check threw, or was rejected after close: never let the ticker die
            last = new Result(false, describe(e), Instant.now());
        }
        firstVerdict.countDown();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (runner != null) {
            runner.shutdownNow();
        }
    }

    private static Boolean callUnchecked(Callable<Boolean> check) {
        try {
            return check.call();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String text = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }

    private static Duration requirePositive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + duration);
        }
        return duration;
    }

    private static ThreadFactory daemon(String threadName) {
        return runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        };
    }
}
