package com.waitingroom.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnauthenticatedRequestUrisTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    UnauthenticatedRequestUrisTest() {
        registry.config().meterFilter(UnauthenticatedRequestUris.FILTER);
    }

    @Test
    void everyRawPathRefusedWithoutATokenCountsInOneSeries() {
        request("/api/waiting-rooms/A/check-ins", "401");
        request("/api/waiting-rooms/B/check-ins", "401");
        request("/anything/else", "401");

        Timer unauthenticated = registry.get("http.server.requests").tag("status", "401").timer();
        assertEquals("UNAUTHENTICATED", unauthenticated.getId().getTag("uri"));
        assertEquals(3, unauthenticated.count());
        assertEquals(1, registry.find("http.server.requests").timers().size());
    }

    @Test
    void otherStatusesKeepTheirRouteTemplate() {
        request("/api/waiting-rooms/{queueId}/check-ins", "403");

        assertEquals("/api/waiting-rooms/{queueId}/check-ins",
                registry.get("http.server.requests").tag("status", "403").timer().getId().getTag("uri"));
    }

    private void request(String uri, String status) {
        Timer.builder("http.server.requests").tag("method", "POST").tag("uri", uri).tag("status", status)
                .register(registry).record(java.time.Duration.ofMillis(1));
    }
}
