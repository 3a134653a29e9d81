package com.waitingroom.projection.store;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * Tells infrastructure trouble (retry until it heals; never park or dead-letter) from a bad event
 * or a handler bug (deterministic: retrying cannot help).
 */
public final class Failures {

    private Failures() {
    }

    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                // null: pool acquisition timeout; 08: connection; 40001/40P01: serialization/deadlock;
                // 53: resources; 57P0x: server shutting down; 57014: statement timeout/cancel; 55P03:
                // lock timeout; 25006: read-only (a failover in progress); 58: I/O or system error.
                // None of these says anything about the event: parking for them would freeze healthy queues.
                if (state == null || state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                        || state.startsWith("53") || state.startsWith("57P") || state.equals("57014")
                        || state.equals("55P03") || state.equals("25006") || state.startsWith("58")) {
                    return true;
                }
            }
        }
        return false;
    }

    public static String describe(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
