package com.waitingroom.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthProblemsTest {

    @Test
    void challengeSaysInvalidTokenOnlyWhenATokenWasPresented() {
        assertEquals("Bearer realm=\"waiting-room\"", AuthProblems.unauthorized(false).challenge());
        assertEquals("Bearer realm=\"waiting-room\", error=\"invalid_token\"", AuthProblems.unauthorized(true).challenge());
        assertTrue(AuthProblems.unauthorized(false).problem().toJson(null).contains("\"code\":\"AUTHENTICATION_REQUIRED\""));
        assertTrue(AuthProblems.unauthorized(true).problem().toJson(null).contains("\"code\":\"INVALID_TOKEN\""));
        assertNull(AuthProblems.forbidden().challenge());
        assertTrue(AuthProblems.forbidden().problem().toJson(null).contains("\"status\":403"));
    }

    @Test
    void onlyANonEmptyBearerCountsAsPresented() {
        assertTrue(AuthProblems.bearerPresented("Bearer abc"));
        assertTrue(AuthProblems.bearerPresented("bearer abc"));
        assertFalse(AuthProblems.bearerPresented("Bearer "));
        assertFalse(AuthProblems.bearerPresented("Basic dXNlcjpwYXNz"));
        assertFalse(AuthProblems.bearerPresented(null));
    }
}
