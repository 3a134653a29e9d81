package com.waitingroom.ingest.store;

import io.vertx.pgclient.PgException;

/** How a failed flush is classified by its SQLSTATE. */
final class PgErrors {

    private PgErrors() {
    }

    static boolean isUniqueViolation(Throwable cause) {
        return cause instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    /** SQLSTATE class 22 (data exception) or 23 (integrity): retrying the same rows cannot help. */
    static boolean isDataError(Throwable cause) {
        if (cause instanceof PgException pg && pg.getSqlState() != null) {
            return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23");
        }
        return false;
    }
}
