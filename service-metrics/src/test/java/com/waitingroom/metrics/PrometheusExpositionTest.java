package com.waitingroom.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusExpositionTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    PrometheusExpositionTest() {
        registry.config().meterFilter(PrometheusExposition.SNAKE_CASE_LABEL_NAMES)
                .meterFilter(PrometheusExposition.HELP_FOR_FRAMEWORK_METERS)
                .meterFilter(PrometheusExposition.NO_MISNAMED_FRAMEWORK_METERS);
    }

    @Test
    void frameworkMetersWithoutHelpGetOneAndTheirUnit() {
        Gauge.builder("http.server.active.requests", () -> 0).register(registry);
        Gauge.builder("netty.allocator.memory.used", () -> 0).tag("memory.type", "heap").register(registry);

        assertEquals("HTTP requests being processed", id("http.server.active.requests").getDescription());
        Meter.Id nettyMemory = id("netty.allocator.memory.used");
        assertEquals("Memory held by a Netty buffer allocator", nettyMemory.getDescription());
        assertEquals("bytes", nettyMemory.getBaseUnit());
        assertEquals("heap", nettyMemory.getTag("memory.type"));
    }

    @Test
    void aDescriptionGivenAtRegistrationIsKept() {
        Gauge.builder("netty.eventexecutor.tasks.pending", () -> 0).description("ours").register(registry);

        assertEquals("ours", id("netty.eventexecutor.tasks.pending").getDescription());
    }

    @Test
    void camelCaseTagKeysBecomeSnakeCaseAndValuesStay() {
        Gauge.builder("postgresql.current", () -> 0).tag("clientName", "<default>").tag("clientType", "sql")
                .tag("memory.type", "heap").register(registry);

        Meter.Id id = id("postgresql.current");
        assertEquals("<default>", id.getTag("client_name"));
        assertEquals("sql", id.getTag("client_type"));
        assertEquals("heap", id.getTag("memory.type"));
        assertNull(id.getTag("clientName"));
    }

    @Test
    void snakeCase() {
        assertEquals("client_name", PrometheusExposition.snakeCase("clientName"));
        assertEquals("already_snake", PrometheusExposition.snakeCase("already_snake"));
        assertEquals("allocator.type", PrometheusExposition.snakeCase("allocator.type"));
        assertEquals("a.b_c", PrometheusExposition.snakeCase("a.bC"));
    }

    @Test
    void longTaskTimersAndNanosecondCpuTimeAreNotExposedAndTheCpuCountIsRenamed() {
        LongTaskTimer.builder("http.server.connections").register(registry);
        FunctionCounter.builder("process.cpu.time", this, x -> 1).baseUnit("ns").register(registry);
        Gauge.builder("system.cpu.count", () -> 2).register(registry);

        assertNull(registry.find("http.server.connections").meter());
        assertNull(registry.find("process.cpu.time").meter());
        assertNull(registry.find("system.cpu.count").meter());
        assertEquals(2, registry.get("system.cpu.available.processors").gauge().value());
    }

    @Test
    void processCpuTimeCountsSecondsOfThisProcess() {
        new ProcessCpuTime().bindTo(registry);

        FunctionCounter cpu = registry.get("process.cpu").functionCounter();
        assertEquals("seconds", cpu.getId().getBaseUnit());
        assertTrue(cpu.count() > 0 && cpu.count() < 1e6, "seconds, not nanoseconds: " + cpu.count());
    }

    private Meter.Id id(String name) {
        Meter meter = registry.find(name).meter();
        assertNotNull(meter, name);
        return meter.getId();
    }
}
