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
                // 53: resources; 57P0x: server shutting down.
                if (state == null || state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                        || state.startsWith("53") || state.startsWith("57P")) {
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
