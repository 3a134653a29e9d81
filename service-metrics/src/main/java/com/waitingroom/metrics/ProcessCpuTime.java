package com.waitingroom.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.inject.Singleton;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * {@code process_cpu_seconds_total}: the CPU time of the whole process, the name Prometheus' own
 * clients use. Replaces Micrometer's nanosecond {@code process.cpu.time} (see PrometheusExposition).
 * Read through the JDK interface, no reflection, so the native executables report it too; absent
 * where the platform does not measure it.
 */
@Singleton
public class ProcessCpuTime implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean jdk && jdk.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", jdk, bean -> bean.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time used by the process, all threads")
                    .register(registry);
        }
    }
}
