package com.waitingroom.api.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Every @QuarkusTest runs on this fixed clock: this bean replaces {@link ClockProducer}'s
 * {@code @DefaultBean} system clock. (The packaged application of the @QuarkusIntegrationTest
 * does not contain it and keeps the system clock.)
 */
@Singleton
public class TestClock {

    /** Far from the real "now", with microseconds, so nothing can pass by reading the system clock. */
    public static final Instant NOW = Instant.parse("2031-03-14T09:26:53.589793Z");

    @Produces
    @Singleton
    Clock fixedClock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }
}
