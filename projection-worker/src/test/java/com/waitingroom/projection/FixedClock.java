package com.waitingroom.projection;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The @QuarkusTest application runs on this fixed clock (it replaces the default system clock), so
 * time-derived answers such as waitSeconds are exact. The packaged-app tests (*IT) keep the system
 * clock: tests that depend on this instant are disabled there.
 */
@ApplicationScoped
public class FixedClock {

    public static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Clock fixed() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }
}
