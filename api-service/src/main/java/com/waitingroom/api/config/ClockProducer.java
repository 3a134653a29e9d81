package com.waitingroom.api.config;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The one source of "now" for every time-based decision of this service (events' occurred-at,
 * idempotency-key expiry), so tests can run on a fixed clock by providing another {@link Clock} bean.
 */
@Singleton
public class ClockProducer {

    @Produces
    @DefaultBean
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
