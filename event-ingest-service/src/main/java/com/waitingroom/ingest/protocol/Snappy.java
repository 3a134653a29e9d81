package com.waitingroom.ingest.protocol;

/**
 * Decoder of the Snappy block format (github.com/google/snappy format_description.txt), which is what
 * Loki's protobuf push bodies are compressed with. Pure Java (no JNI library to ship in a native
 * image); every corrupt input ends in {@link MalformedPayloadException}.
 */
public final class Snappy {

    private Snappy() {
    }

    /** @param maxLength refuse (413) a body that claims to expand beyond this */
    public static byte[] decompress(byte[] in, int maxLength) {
        int[] position = { 0 };
        long declared = varint(in, position);
        if (declared > maxLength) {
            throw new BodyTooLargeException("the snappy body expands to " + declared + " bytes, more than " + maxLength);
        }
        // No snappy stream expands more than ~21 times (a 3-byte copy writes at most 64 bytes): a larger claim
        // is a lie, and the buffer below is allocated before anything else is checked.
        check(declared <= (long) in.length * 22 + 64, "declared length " + declared + " cannot come from "
                + in.length + " bytes");
        byte[] out = new byte[(int) declared];
        int written = 0;
        int p = position[0];
        while (p < in.length) {
            int tag = in[p++] & 0xFF;
            long length;
            int offset;
            switch (tag & 3) {
                case 0 -> { // literal
                    length = tag >>> 2;
                    if (length >= 60) {
                        int bytes = (int) length - 59;
                        check(p + bytes <= in.length, "truncated literal length");
                        length = 0;
                        for (int i = 0; i < bytes; i++) {
                            length |= (long) (in[p + i] & 0xFF) << (8 * i);
                        }
                        p += bytes;
                    }
                    length += 1;
                    // long arithmetic: a 4-byte literal length must not wrap the bounds check
                    check(length <= in.length - p && length <= out.length - written, "literal out of bounds");
                    System.arraycopy(in, p, out, written, (int) length);
                    p += length;
                    written += length;
                    continue;
                }
                case 1 -> {
                    check(p + 1 <= in.length, "truncated copy");
                    length = 4 + ((tag >>> 2) & 7);
                    offset = ((tag >>> 5) << 8) | (in[p++] & 0xFF);
                }
                case 2 -> {
                    check(p + 2 <= in.length, "truncated copy");
                    length = 1 + (tag >>> 2);
                    offset = (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8;
                    p += 2;
                }
                default -> {
                    check(p + 4 <= in.length, "truncated copy");
                    length = 1 + (tag >>> 2);
                    offset = (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8 | (in[p + 2] & 0xFF) << 16 | (in[p + 3] & 0xFF) << 24;
                    p += 4;
                }
            }
            check(offset > 0 && offset <= written && written + length <= out.length, "copy out of bounds");
            // byte by byte: a copy may overlap what it writes (offset < length repeats a pattern)
            for (long i = 0; i < length; i++) {
                out[written] = out[written - offset];
                written++;
            }
        }
        check(written == out.length, "the body is shorter than its declared length");
        return out;
    }

    private static long varint(byte[] in, int[] position) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            check(position[0] < in.length, "truncated length preamble");
            byte b = in[position[0]++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new MalformedPayloadException("invalid snappy length preamble");
    }

    private static void check(boolean condition, String problem) {
        if (!condition) {
            throw new MalformedPayloadException("corrupt snappy body: " + problem);
        }
    }
}
