package com.waitingroom.testsupport;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients sending to a service around its SIGTERM, one thread each, and the tally of what they got.
 * A subclass sends its module's requests in {@link #send(int)} and decides what counts as a proper
 * answer; this class keeps the threads, the stop flag, the moment of the signal and the counters.
 */
public abstract class SigtermLoad {

    private final int clients;
    private final ExecutorService threads;
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile long sigtermAt = Long.MAX_VALUE;

    /** What was answered 201 (keys or ids, as the subclass records them). */
    public final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** 201s received after the signal. */
    public final AtomicInteger createdAfterSigterm = new AtomicInteger();
    public final AtomicInteger shuttingDown = new AtomicInteger();
    /** Connections refused: the listener had closed, the request was never taken. */
    public final AtomicInteger refused = new AtomicInteger();
    /** Requests without a proper answer, described. */
    public final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    protected SigtermLoad(int clients) {
        this.clients = clients;
        this.threads = Executors.newFixedThreadPool(clients);
    }

    /** One client's loop, until {@link #stopped()} or the listener is gone. */
    protected abstract void send(int client);

    public void start() {
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.submit(() -> send(client));
        }
    }

    public void sigtermSent() {
        sigtermAt = System.nanoTime();
    }

    /** No new requests from now on (the load balancer no longer routes here); running ones finish. */
    public void stopSending() {
        stop.set(true);
    }

    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        threads.shutdown();
        return threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    protected boolean stopped() {
        return stop.get();
    }

    /** Counts a 201 received after the signal. */
    protected void countIfAfterSigterm() {
        if (System.nanoTime() > sigtermAt) {
            createdAfterSigterm.incrementAndGet();
        }
    }

    /** For failure descriptions: " (before SIGTERM)" or " (N ms after SIGTERM)". */
    protected String sinceSigterm() {
        long sigterm = sigtermAt;
        return sigterm == Long.MAX_VALUE ? " (before SIGTERM)"
                : " (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm) + " ms after SIGTERM)";
    }

    /** Whether a send failed because the connection was refused (not reset, not closed). */
    protected static boolean refused(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }
}
