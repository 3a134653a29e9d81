package com.waitingroom.api.api;

import org.jboss.logging.Logger;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Logs requests answered 503 because of the event store without flooding the log during an
 * outage (hundreds of failed requests per second): the first failure at once, then at most one
 * line per interval, written with the next failure, counting the failed requests by problem code
 * since the previous line and naming the last cause.
 */
final class StoreFailureLog {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Integer> unreported = new TreeMap<>();
    private long lastReportAt;
    private boolean reported;

    StoreFailureLog(Logger log, long intervalNanos, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
    }

    /** Counts one failed request; logs it, or a summary of those since the last line, if due. */
    void record(String code, Throwable cause) {
        String line;
        synchronized (this) {
            unreported.merge(code, 1, Integer::sum);
            long now = nanoTime.getAsLong();
            if (reported && now - lastReportAt < intervalNanos) {
                return;
            }
            line = "event store unavailable: requests answered 503 " + (reported ? "since the last report " : "")
                    + unreported + "; last cause: " + cause;
            unreported.clear();
            reported = true;
            lastReportAt = now;
        }
        log.warn(line);
    }
}
