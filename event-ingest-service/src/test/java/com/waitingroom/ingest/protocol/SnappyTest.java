package com.waitingroom.ingest.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Our decoder against the reference implementation (snappy-java, test scope only via loki-protobuf). */
class SnappyTest {

    @Test
    void decodesWhatTheReferenceCompressorWrites() throws IOException {
        Random random = new Random(18);
        for (int round = 0; round < 200; round++) {
            int length = random.nextInt(round < 100 ? 300 : 200_000);
            byte[] input = new byte[length];
            // runs and repeats (copies with 1-, 2- and overlapping offsets) mixed with noise (literals)
            for (int i = 0; i < length; i++) {
                input[i] = random.nextInt(4) == 0 ? (byte) random.nextInt() : (i > 7 ? input[i - 1 - random.nextInt(7)] : (byte) 'a');
            }
            byte[] compressed = org.xerial.snappy.Snappy.compress(input);
            assertArrayEquals(input, Snappy.decompress(compressed, 1 << 20), "round " + round);
        }
        byte[] text = "the patient in room B2 was called; ".repeat(2000).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(text, Snappy.decompress(org.xerial.snappy.Snappy.compress(text), 1 << 20));
    }

    @Test
    void refusesCorruptAndOversizedInput() throws IOException {
        byte[] compressed = org.xerial.snappy.Snappy.compress("hello hello hello hello".getBytes(StandardCharsets.UTF_8));
        assertThrows(BodyTooLargeException.class, () -> Snappy.decompress(compressed, 10));
        for (int cut = 1; cut < compressed.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(compressed, cut);
            assertThrows(MalformedPayloadException.class, () -> Snappy.decompress(truncated, 1 << 20), "cut at " + cut);
        }
        // a copy reaching before the start of the output
        assertThrows(MalformedPayloadException.class, () -> Snappy.decompress(new byte[] { 0x08, 0x01, (byte) 0x05 }, 100));
    }

    @Test
    void aLiteralLengthThatWouldWrapTheBoundsCheckIsMalformedNotACrash() {
        // preamble 64, a 20-byte literal, then a literal with a 4-byte length of 0x7FFFFFF0 (+1)
        byte[] body = new byte[1 + 1 + 20 + 5];
        body[0] = 64;
        body[1] = (byte) (19 << 2);
        body[22] = (byte) 0xFC;
        body[23] = (byte) 0xF0;
        body[24] = (byte) 0xFF;
        body[25] = (byte) 0xFF;
        body[26] = (byte) 0x7F;
        assertThrows(MalformedPayloadException.class, () -> Snappy.decompress(body, 1 << 20));
    }

    @Test
    void aDeclaredLengthNoSnappyStreamCanReachIsRefusedBeforeAllocating() {
        // 6 bytes claiming 8 MB
        byte[] body = { (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0x00, 0x00 };
        assertThrows(MalformedPayloadException.class, () -> Snappy.decompress(body, 16 << 20));
    }
}
