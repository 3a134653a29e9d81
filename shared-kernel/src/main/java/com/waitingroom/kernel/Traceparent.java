package com.waitingroom.kernel;

/**
 * The W3C trace-context {@code traceparent} header as the suite carries it (outbox row, AMQP header).
 * A value read from a message or a row is checked before its ids reach a log line or a span, so a
 * forged header cannot inject text into logs.
 */
public final class Traceparent {

    private static final int LENGTH = 55; // 00-<32 hex>-<16 hex>-<2 hex>

    private Traceparent() {
    }

    /** True for a version-00 traceparent with lowercase hex ids that are not all zeros. */
    public static boolean isValid(String value) {
        if (value == null || value.length() != LENGTH || !value.startsWith("00-")
                || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return false;
        }
        return isHex(value, 3, 35) && isHex(value, 36, 52) && isHex(value, 53, 55)
                && !isZeros(value, 3, 35) && !isZeros(value, 36, 52);
    }

    /** The trace id of a valid traceparent. */
    public static String traceId(String valid) {
        return valid.substring(3, 35);
    }

    /** The parent span id of a valid traceparent. */
    public static String spanId(String valid) {
        return valid.substring(36, 52);
    }

    /** True when a valid traceparent's sampled flag is set. */
    public static boolean isSampled(String valid) {
        return (Character.digit(valid.charAt(54), 16) & 1) == 1;
    }

    private static boolean isHex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZeros(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
