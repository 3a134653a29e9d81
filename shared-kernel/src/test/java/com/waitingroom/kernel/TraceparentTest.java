package com.waitingroom.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceparentTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void acceptsTheSpecExampleAndReadsItsParts() {
        assertTrue(Traceparent.isValid(VALID));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", Traceparent.traceId(VALID));
        assertEquals("00f067aa0ba902b7", Traceparent.spanId(VALID));
        assertTrue(Traceparent.isSampled(VALID));
        assertFalse(Traceparent.isSampled(VALID.substring(0, 53) + "00"));
    }

    @Test
    void refusesWhatCouldCarryOtherTextIntoALogLine() {
        assertFalse(Traceparent.isValid(null));
        assertFalse(Traceparent.isValid(""));
        assertFalse(Traceparent.isValid(VALID + "\n"));
        assertFalse(Traceparent.isValid("00-4bf92f3577b34da6a3ce929d0e0e473\n-00f067aa0ba902b7-01"));
        assertFalse(Traceparent.isValid("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
        assertFalse(Traceparent.isValid("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertFalse(Traceparent.isValid("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        assertFalse(Traceparent.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
        assertFalse(Traceparent.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736x00f067aa0ba902b7-01"));
        assertFalse(Traceparent.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g"));
    }
}
