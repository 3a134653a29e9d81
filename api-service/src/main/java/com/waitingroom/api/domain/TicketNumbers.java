package com.waitingroom.api.domain;

import java.util.Locale;
import java.util.Set;

/**
 * Short ticket numbers for public screens ("042"): public views show them instead of names. Numbers
 * are drawn in turn from 001 to 999 and wrap around, skipping any number still held by an active
 * patient of the queue, so two patients in the queue never share one. A queue with 999 or more active
 * patients draws from a wider range (0001–9999, and so on) so a free number always exists.
 */
final class TicketNumbers {

    private static final int MIN_DIGITS = 3;

    private TicketNumbers() {
    }

    /**
     * The number after the {@code issued}-th one (counting from 0) that no active patient holds.
     * Deterministic in its inputs, so replaying the events reproduces every decision.
     */
    static String next(long issued, Set<String> held) {
        int digits = MIN_DIGITS;
        while (held.size() >= maxNumber(digits)) {
            digits++;
        }
        long max = maxNumber(digits);
        for (long step = 0; step <= max; step++) {
            String candidate = format((issued + step) % max + 1, digits);
            if (!held.contains(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free ticket number below " + max); // unreachable: held.size() < max
    }

    private static long maxNumber(int digits) {
        return (long) Math.pow(10, digits) - 1;
    }

    private static String format(long number, int digits) {
        return String.format(Locale.ROOT, "%0" + digits + "d", number); // ASCII digits whatever the JVM's locale
    }
}
