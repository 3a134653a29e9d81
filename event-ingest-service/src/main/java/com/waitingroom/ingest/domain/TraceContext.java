package com.waitingroom.ingest.domain;

/** W3C trace context ids as stored: lowercase hex, all-zero ids meaning "none" (OTLP, W3C). */
public final class TraceContext {

    public static final int TRACE_ID_HEX_LENGTH = 32;
    public static final int SPAN_ID_HEX_LENGTH = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceContext() {
    }

    /** Bytes as lowercase hex; null for an empty or all-zero id. */
    public static String hex(byte[] id) {
        if (id == null || id.length == 0) {
            return null;
        }
        boolean zero = true;
        char[] out = new char[id.length * 2];
        for (int i = 0; i < id.length; i++) {
            zero &= id[i] == 0;
            out[2 * i] = HEX[(id[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[id[i] & 0xF];
        }
        return zero ? null : new String(out);
    }

    public static boolean isHex(String text, int length) {
        if (text == null || text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** An all-zero id is the "invalid"/absent id of the W3C and OTLP specs. */
    public static String nullIfZero(String hex) {
        return hex == null || hex.chars().allMatch(c -> c == '0') ? null : hex;
    }
}
