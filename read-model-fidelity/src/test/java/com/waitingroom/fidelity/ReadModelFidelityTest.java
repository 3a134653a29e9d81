package com.waitingroom.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import com.waitingroom.api.domain.DomainException;
import com.waitingroom.api.domain.Patient;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.projection.api.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.quicktheories.QuickTheory.qt;

/**
 * Differential property: for random clinic days (every command, legal and refused, several desks
 * and rooms, priorities raised by age and pregnancy, absences, pending payments, cancellations,
 * leaving, second visits), after every command the read models in PostgreSQL say exactly what the
 * aggregate says. On a counterexample QuickTheories shrinks the day to a minimal one and reports it
 * with its seed (rerun it with -Dfidelity.seed=…).
 */
class ReadModelFidelityTest {

    /** A fixed clock: every time-based field is a pure function of the step number. */
    private static final Instant DAY_START = Instant.parse("2026-03-02T08:00:00Z");
    private static final int MAX_STEPS = 100;

    private static ProjectionUnderTest projection;
    private static final EventCodec CODEC = EventCodec.standard();
    private static final AtomicLong days = new AtomicLong();
    private static final AtomicLong commands = new AtomicLong();
    private static final AtomicLong refused = new AtomicLong();
    private static final AtomicLong comparisons = new AtomicLong();
    private static final Map<String, Long> eventCounts = new HashMap<>();
    private static volatile List<ClinicStep> shortestFailure;

    @BeforeAll
    static void migrate() throws Exception {
        projection = new ProjectionUnderTest();
    }

    @AfterAll
    static void close() throws Exception {
        if (projection != null) {
            projection.close();
        }
    }

    @Test
    void afterEveryCommandTheReadModelsAgreeWithTheAggregate() {
        long budgetSeconds = Long.getLong("fidelity.budget-seconds", 90);
        long started = System.nanoTime();
        var theory = qt().withExamples(Integer.MAX_VALUE).withTestingTime(budgetSeconds, TimeUnit.SECONDS)
                .withShrinkCycles(2_000);
        String seed = System.getProperty("fidelity.seed");
        if (seed != null && !seed.isBlank()) {
            theory = theory.withFixedSeed(Long.parseLong(seed.trim()));
        }
        try {
            theory.forAll(ClinicSteps.days(MAX_STEPS)).checkAssert(ReadModelFidelityTest::replayAndCompare);
        } catch (AssertionError falsified) {
            throw withMinimalDay(falsified);
        }
        System.out.printf("read-model fidelity: %d clinic days, %d commands (%d refused), %d comparisons in %d s;"
                        + " events %s%n", days.get(), commands.get(), refused.get(), comparisons.get(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), eventCounts);
    }

    /** QuickTheories' report plus the shortest failing day it saw, reduced to one where every step matters. */
    private static AssertionError withMinimalDay(AssertionError falsified) {
        List<ClinicStep> shortest = shortestFailure;
        if (shortest == null) {
            return falsified;
        }
        List<ClinicStep> minimal = Minimizer.minimize(shortest, day -> {
            try {
                replayAndCompare(day);
                return false;
            } catch (AssertionError stillFailing) {
                return true;
            }
        });
        String failure;
        try {
            replayAndCompare(minimal);
            failure = "(passed when replayed: the failure depends on more than the day)";
        } catch (AssertionError e) {
            failure = e.getMessage();
        }
        AssertionError minimized = new AssertionError("minimal failing day (" + minimal.size() + " of "
                + shortest.size() + " steps):\n  " + minimal + "\n" + failure + "\n\n" + falsified.getMessage());
        minimized.addSuppressed(falsified);
        return minimized;
    }

    /** Runs one day on a fresh queue: each command on the aggregate, its events through the projection, compare. */
    static void replayAndCompare(List<ClinicStep> day) {
        try {
            replayDay(day);
        } catch (AssertionError e) {
            synchronized (ReadModelFidelityTest.class) {
                if (shortestFailure == null || day.size() < shortestFailure.size()) {
                    shortestFailure = List.copyOf(day);
                }
            }
            throw e;
        }
    }

    private static void replayDay(List<ClinicStep> day) {
        String queueId = "F-" + days.incrementAndGet();
        WaitingQueue aggregate = WaitingQueue.empty(queueId);
        Map<String, List<String>> eventsByPatient = new HashMap<>();
        try {
            for (int step = 0; step < day.size(); step++) {
                ClinicStep command = day.get(step);
                commands.incrementAndGet();
                long before = aggregate.version();
                List<DomainEvent> events;
                try {
                    events = command.runOn(aggregate);
                } catch (DomainException refusedByTheRules) {
                    refused.incrementAndGet();
                    continue; // nothing decided: neither side changes, nothing to compare again
                }
                Instant now = DAY_START.plusSeconds(60L * (step + 1));
                projection.apply(queueId, events, before + 1, now);
                record(events, eventsByPatient);
                Observation expected = Observation.of(aggregate);
                Observation actual = Observation.of(projection, queueId, now);
                comparisons.incrementAndGet();
                if (!expected.equals(actual)) {
                    throw new AssertionError("after step " + (step + 1) + " (" + command + ", events "
                            + eventTypes(events) + ") the read models disagree with the aggregate"
                            + "\n  aggregate:  " + expected + "\n  projection: " + actual);
                }
            }
            compareTrajectories(queueId, aggregate, eventsByPatient);
            if (aggregate.exists() && projection.parkedEvents(queueId) != 0) {
                throw new AssertionError("events were parked although they arrived in order");
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("the projection failed on queue " + queueId + ": " + e, e);
        }
    }

    /** Every event that names a patient is a step of that patient's trajectory, in its visit. */
    private static void compareTrajectories(String queueId, WaitingQueue aggregate,
                                            Map<String, List<String>> eventsByPatient) throws Exception {
        for (Patient patient : aggregate.patients()) {
            Views.Trajectory trajectory = projection.queries.trajectory(queueId, patient.patientId()).orElseThrow(
                    () -> new AssertionError("no trajectory for " + patient.patientId()));
            List<String> steps = new ArrayList<>();
            for (Views.Visit visit : trajectory.visits()) {
                for (Views.Step step : visit.steps()) {
                    steps.add(step.eventType());
                }
            }
            if (!steps.equals(eventsByPatient.get(patient.patientId())) || trajectory.visits().size() != patient.visit()
                    || trajectory.visit() != patient.visit()) {
                throw new AssertionError("trajectory of " + patient.patientId() + " (" + trajectory.visits().size()
                        + " visits) " + steps + " but the aggregate decided " + eventsByPatient.get(patient.patientId())
                        + " over " + patient.visit() + " visits");
            }
        }
    }

    private static void record(List<DomainEvent> events, Map<String, List<String>> eventsByPatient) {
        for (DomainEvent event : events) {
            String type = event.getClass().getSimpleName();
            synchronized (eventCounts) {
                eventCounts.merge(type, 1L, Long::sum);
            }
            JsonNode patientId = CODEC.payloadToJson(event).get("patientId");
            if (patientId != null) {
                eventsByPatient.computeIfAbsent(patientId.asText(), id -> new ArrayList<>()).add(type);
            }
        }
    }

    private static List<String> eventTypes(List<DomainEvent> events) {
        return events.stream().map(e -> e.getClass().getSimpleName()).toList();
    }
}
