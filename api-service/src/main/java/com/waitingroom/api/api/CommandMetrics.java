package com.waitingroom.api.api;

import com.waitingroom.api.domain.InvalidCommandException;
import com.waitingroom.api.domain.NotFoundException;
import com.waitingroom.api.domain.RuleViolationException;
import com.waitingroom.api.store.CommitOutcomeUnknownException;
import com.waitingroom.api.store.StoreFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code api_commands_total{command,outcome}}: one increment per command request, whatever its fate. */
@ApplicationScoped
public class CommandMetrics {

    public static final String ACCEPTED = "accepted";
    public static final String REPLAYED = "replayed";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public CommandMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String command, String outcome) {
        counters.computeIfAbsent(command + '|' + outcome, key -> Counter.builder("api.commands")
                .description("Commands received by api-service, by command and outcome")
                .tag("command", command)
                .tag("outcome", outcome)
                .register(registry)).increment();
    }

    /** The outcome label of a failed command. */
    public static String outcomeOf(Throwable failure) {
        if (failure instanceof InvalidCommandException) {
            return "invalid";
        }
        if (failure instanceof NotFoundException) {
            return "not_found";
        }
        if (failure instanceof RuleViolationException) {
            return "rejected";
        }
        if (failure instanceof CommitOutcomeUnknownException) {
            return "unknown";
        }
        if (StoreFailures.isUnavailable(failure)) {
            return "unavailable";
        }
        if (failure instanceof ProblemException problem) {
            return switch (problem.status()) {
                case 400 -> "invalid";
                case 409 -> "conflict";
                case 422 -> "rejected";
                case 503 -> "unavailable";
                default -> "error";
            };
        }
        return "error";
    }
}
