package com.waitingroom.api.api;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An outage's failed requests make one log line per interval, not one per request. */
class StoreFailureLogTest {

    @Test
    void theFirstFailureIsLoggedThenOneSummaryPerInterval() {
        String category = "store-failure-log-test";
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger(category).addHandler(capture);
        try {
            AtomicLong now = new AtomicLong();
            StoreFailureLog log = new StoreFailureLog(Logger.getLogger(category), TimeUnit.SECONDS.toNanos(10), now::get);
            ConnectException refused = new ConnectException("Connection refused");
            for (int i = 0; i < 500; i++) { // 50 failed requests per second for 10 s
                now.set(TimeUnit.MILLISECONDS.toNanos(20L * i));
                log.record(i % 100 == 0 ? "COMMIT_OUTCOME_UNKNOWN" : "STORE_UNAVAILABLE", refused);
            }
            now.set(TimeUnit.SECONDS.toNanos(10));
            log.record("STORE_UNAVAILABLE", refused);

            assertEquals(2, lines.size(), String.valueOf(lines));
            assertTrue(lines.get(0).contains("{COMMIT_OUTCOME_UNKNOWN=1}"), lines.get(0));
            assertTrue(lines.get(1).contains("since the last report {COMMIT_OUTCOME_UNKNOWN=4, STORE_UNAVAILABLE=496}"),
                    lines.get(1));
            assertTrue(lines.get(1).contains("Connection refused"), lines.get(1));
        } finally {
            java.util.logging.Logger.getLogger(category).removeHandler(capture);
        }
    }
}
