package com.waitingroom.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Global meter filters (Quarkus applies every {@code MeterFilter} bean to the registry) that make a
 * service's {@code /q/metrics} in the Prometheus text format pass {@code promtool check metrics}
 * although some framework meters would not: the suite's own meters are named and described right
 * where they are registered, these filters only correct what Quarkus, Vert.x, Netty and Micrometer
 * register and no configuration property can change.
 */
@Singleton
public class PrometheusExposition {

    /** HELP texts (and the unit, where the name lacks it) for framework meters registered without one. */
    static final Map<String, Help> FRAMEWORK_HELP = Map.of(
            "http.server.active.requests", new Help("HTTP requests being processed", null),
            "netty.allocator.memory.used", new Help("Memory held by a Netty buffer allocator", "bytes"),
            "netty.allocator.memory.pinned", new Help("Memory of a Netty buffer allocator held by buffers in use", "bytes"),
            "netty.allocator.pooled.arenas", new Help("Arenas of a pooled Netty buffer allocator", null),
            "netty.allocator.pooled.cache.size", new Help("Entries per thread cache of a pooled Netty buffer allocator", null),
            "netty.allocator.pooled.chunk.size", new Help("Chunk size of a pooled Netty buffer allocator", "bytes"),
            "netty.allocator.pooled.threadlocal.caches", new Help("Thread-local caches of a pooled Netty buffer allocator", null),
            "netty.eventexecutor.tasks.pending", new Help("Tasks waiting in a Netty event loop's queue", null));

    /** Micrometer's {@code system.cpu.count} gauge: promtool refuses "_count" on anything but a histogram or summary. */
    static final String CPU_COUNT = "system.cpu.count";
    static final String AVAILABLE_PROCESSORS = "system.cpu.available.processors";

    record Help(String description, String baseUnit) {
    }

    /** {@code clientName} → {@code client_name} (the Vert.x SQL client's pool meters use camelCase tag keys). */
    @Produces
    @Singleton
    MeterFilter snakeCaseLabelNames() {
        return SNAKE_CASE_LABEL_NAMES;
    }

    @Produces
    @Singleton
    MeterFilter helpForFrameworkMeters() {
        return HELP_FOR_FRAMEWORK_METERS;
    }

    @Produces
    @Singleton
    MeterFilter noMisnamedFrameworkMeters() {
        return NO_MISNAMED_FRAMEWORK_METERS;
    }

    static final MeterFilter SNAKE_CASE_LABEL_NAMES = new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
            List<Tag> tags = new ArrayList<>();
            boolean renamed = false;
            for (Tag tag : id.getTagsAsIterable()) {
                String key = snakeCase(tag.getKey());
                renamed |= !key.equals(tag.getKey());
                tags.add(Tag.of(key, tag.getValue()));
            }
            return renamed ? id.replaceTags(tags) : id;
        }
    };

    static final MeterFilter HELP_FOR_FRAMEWORK_METERS = new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
            Help help = FRAMEWORK_HELP.get(id.getName());
            if (help == null || (id.getDescription() != null && !id.getDescription().isBlank())) {
                return id;
            }
            String baseUnit = id.getBaseUnit() != null ? id.getBaseUnit() : help.baseUnit();
            return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()),
                    baseUnit, help.description(), id.getType());
        }
    };

    static final MeterFilter NO_MISNAMED_FRAMEWORK_METERS = new MeterFilter() {
        @Override
        public MeterFilterReply accept(Meter.Id id) {
            // The legacy Prometheus client writes a long task timer as a "summary" whose samples
            // (_active_count, _duration_sum) are no summary samples, so they have no HELP/TYPE of their
            // own. The only one is Vert.x's http.server.connections, whose count
            // http_server_active_connections already gives.
            if (id.getType() == Meter.Type.LONG_TASK_TIMER) {
                return MeterFilterReply.DENY;
            }
            // Micrometer's process.cpu.time counts nanoseconds (process_cpu_time_ns_total: an
            // abbreviated unit); ProcessCpuTime exposes it in seconds as process_cpu_seconds_total.
            if ("process.cpu.time".equals(id.getName()) && "ns".equals(id.getBaseUnit())) {
                return MeterFilterReply.DENY;
            }
            return MeterFilterReply.NEUTRAL;
        }

        @Override
        public Meter.Id map(Meter.Id id) {
            return CPU_COUNT.equals(id.getName()) ? id.withName(AVAILABLE_PROCESSORS) : id;
        }
    };

    /** camelCase → snake_case; keys without upper-case letters are returned as they are. */
    static String snakeCase(String key) {
        if (key.chars().noneMatch(Character::isUpperCase)) {
            return key;
        }
        StringBuilder snake = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && snake.charAt(snake.length() - 1) != '_' && snake.charAt(snake.length() - 1) != '.') {
                    snake.append('_');
                }
                snake.append(Character.toLowerCase(c));
            } else {
                snake.append(c);
            }
        }
        return snake.toString();
    }
}
