package com.waitingroom.ingest.domain;

import java.util.Locale;

/**
 * The stored severity: six levels, so that OTLP severity numbers, Loki level labels and the suite's
 * own events can be searched with one filter. The original text stays in the metadata.
 */
public enum Severity {
    TRACE, DEBUG, INFO, WARN, ERROR, FATAL;

    /** OTLP SeverityNumber ranges (1-4 TRACE … 21-24 FATAL); 0 (unspecified) or out of range → null. */
    public static Severity fromOtlpNumber(long number) {
        if (number < 1 || number > 24) {
            return null;
        }
        return values()[(int) ((number - 1) / 4)];
    }

    /** Common level words (syslog, log4j, Go, Python, Loki's detected_level); unknown words → null. */
    public static Severity fromWord(String word) {
        if (word == null || word.isBlank()) {
            return null;
        }
        return switch (word.trim().toLowerCase(Locale.ROOT)) {
            case "trace", "trc", "finest", "finer" -> TRACE;
            case "debug", "dbg", "fine", "config" -> DEBUG;
            case "info", "information", "informational", "notice", "inf" -> INFO;
            case "warn", "warning", "wrn" -> WARN;
            case "error", "err", "eror", "severe" -> ERROR;
            case "fatal", "critical", "crit", "panic", "emerg", "emergency", "alert", "ftl" -> FATAL;
            default -> null;
        };
    }
}
