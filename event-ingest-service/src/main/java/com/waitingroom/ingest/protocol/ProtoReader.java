package com.waitingroom.ingest.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format (varint, 64-bit, length-delimited, 32-bit fields) of the few
 * messages OTLP and Loki send, without generated classes or reflection (native-image friendly).
 * Every malformed input ends in {@link MalformedPayloadException}, never in an index error.
 */
public final class ProtoReader {

    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LENGTH_DELIMITED = 2;
    public static final int FIXED32 = 5;

    private final byte[] buffer;
    private int position;
    private final int limit;
    private int tag;

    public ProtoReader(byte[] buffer) {
        this(buffer, 0, buffer.length);
    }

    private ProtoReader(byte[] buffer, int offset, int limit) {
        this.buffer = buffer;
        this.position = offset;
        this.limit = limit;
    }

    /** Advances to the next field; false at the end of this message. */
    public boolean next() {
        if (position >= limit) {
            return false;
        }
        long key = readVarint();
        if (key >>> 3 == 0 || key > Integer.MAX_VALUE) {
            throw new MalformedPayloadException("invalid field tag");
        }
        tag = (int) key;
        return true;
    }

    public int field() {
        return tag >>> 3;
    }

    public int wireType() {
        return tag & 7;
    }

    public long varint() {
        expect(VARINT);
        return readVarint();
    }

    public long fixed64() {
        expect(FIXED64);
        require(8);
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (buffer[position + i] & 0xFFL);
        }
        position += 8;
        return value;
    }

    public int fixed32() {
        expect(FIXED32);
        require(4);
        int value = 0;
        for (int i = 3; i >= 0; i--) {
            value = (value << 8) | (buffer[position + i] & 0xFF);
        }
        position += 4;
        return value;
    }

    public double doubleValue() {
        return Double.longBitsToDouble(fixed64());
    }

    public byte[] bytes() {
        int length = length();
        byte[] out = new byte[length];
        System.arraycopy(buffer, position, out, 0, length);
        position += length;
        return out;
    }

    public String string() {
        int length = length();
        String out = new String(buffer, position, length, StandardCharsets.UTF_8);
        position += length;
        return out;
    }

    /** The embedded message of this field, read by its own reader. */
    public ProtoReader message() {
        int length = length();
        ProtoReader nested = new ProtoReader(buffer, position, position + length);
        position += length;
        return nested;
    }

    /** Skips a field this reader's caller does not need (unknown fields are allowed by protobuf). */
    public void skip() {
        switch (wireType()) {
            case VARINT -> readVarint();
            case FIXED64 -> { require(8); position += 8; }
            case LENGTH_DELIMITED -> { int length = length(); position += length; }
            case FIXED32 -> { require(4); position += 4; }
            default -> throw new MalformedPayloadException("unsupported wire type " + wireType());
        }
    }

    private int length() {
        expect(LENGTH_DELIMITED);
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw new MalformedPayloadException("truncated message");
        }
        return (int) length;
    }

    private void expect(int wireType) {
        if (wireType() != wireType) {
            throw new MalformedPayloadException("field " + field() + " has wire type " + wireType() + ", expected " + wireType);
        }
    }

    private void require(int bytes) {
        if (limit - position < bytes) {
            throw new MalformedPayloadException("truncated message");
        }
    }

    private long readVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw new MalformedPayloadException("truncated varint");
            }
            byte b = buffer[position++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new MalformedPayloadException("varint longer than 10 bytes");
    }
}
