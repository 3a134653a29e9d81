package com.waitingroom.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import com.waitingroom.api.domain.DomainException;
import com.waitingroom.api.domain.Patient;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventTypeRegistry;
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
 * leaving, second visits), after every batch the projection applies the read models in PostgreSQL say
 * exactly what the aggregate says; a day's events travel as schema 2 or as schema 1 (the projection
 * must then derive line sequences, visits and the default desk as the aggregate did), one to four
 * commands per consumer batch. On a counterexample QuickTheories shrinks the day to a minimal one and reports it
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
    private static volatile ClinicDay shortestFailure;
    private static final AtomicLong legacyDays = new AtomicLong();

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
        System.out.printf("read-model fidelity: %d clinic days (%d with schema-1 events), %d commands (%d refused),"
                        + " %d comparisons in %d s; events %s%n", days.get(), legacyDays.get(), commands.get(),
                refused.get(), comparisons.get(), Duration.ofNanos(System.nanoTime() - started).toSeconds(), eventCounts);
        assertEveryEventTypeWasExercised();
    }

    /** A generator change that stops producing some event would silently shrink what is compared. */
    private static void assertEveryEventTypeWasExercised() {
        if (days.get() < 500) {
            return; // a deliberately short run (-Dfidelity.budget-seconds) proves too little to judge coverage
        }
        List<String> missing = new ArrayList<>();
        for (EventTypeRegistry.Registration type : EventTypeRegistry.standard().all()) {
            if (!eventCounts.containsKey(type.eventType())) {
                missing.add(type.eventType());
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("no clinic day produced " + missing + " in " + days.get() + " days");
        }
    }

    /** QuickTheories' report plus the shortest failing day it saw, reduced to one where every step matters. */
    private static AssertionError withMinimalDay(AssertionError falsified) {
        ClinicDay shortest = shortestFailure;
        if (shortest == null) {
            return falsified;
        }
        List<ClinicStep> minimal = Minimizer.minimize(shortest.steps(), steps -> {
            try {
                replayAndCompare(shortest.withSteps(steps));
                return false;
            } catch (AssertionError stillFailing) {
                return true;
            }
        });
        ClinicDay minimalDay = shortest.withSteps(minimal);
        String failure;
        try {
            replayAndCompare(minimalDay);
            failure = "(passed when replayed: the failure depends on more than the day)";
        } catch (AssertionError e) {
            failure = e.getMessage();
        }
        AssertionError minimized = new AssertionError("minimal failing day (" + minimal.size() + " of "
                + shortest.steps().size() + " steps): " + minimalDay + "\n" + failure + "\n\n" + falsified.getMessage());
        minimized.addSuppressed(falsified);
        return minimized;
    }

    /** Runs one day on a fresh queue: each command on the aggregate, its events through the projection, compare. */
    static void replayAndCompare(ClinicDay day) {
        try {
            replayDay(day);
        } catch (AssertionError e) {
            synchronized (ReadModelFidelityTest.class) {
                if (shortestFailure == null || day.steps().size() < shortestFailure.steps().size()) {
                    shortestFailure = day;
                }
            }
            throw e;
        }
    }

    private static void replayDay(ClinicDay day) {
        String queueId = "F-" + days.incrementAndGet();
        if (day.legacyEvents()) {
            legacyDays.incrementAndGet();
        }
        WaitingQueue aggregate = WaitingQueue.empty(queueId);
        Map<String, List<String>> stepsByPatient = new HashMap<>();
        List<ProjectionUnderTest.Decided> batch = new ArrayList<>();
        int commandsInBatch = 0;
        try {
            for (int step = 0; step < day.steps().size(); step++) {
                ClinicStep command = day.steps().get(step);
                commands.incrementAndGet();
                long before = aggregate.version();
                List<DomainEvent> events;
                try {
                    events = command.runOn(aggregate);
                } catch (DomainException refusedByTheRules) {
                    refused.incrementAndGet();
                    continue; // nothing decided: neither side changes
                }
                Instant now = DAY_START.plusSeconds(60L * (step + 1));
                long version = before;
                for (DomainEvent event : events) {
                    batch.add(new ProjectionUnderTest.Decided(event, ++version, now));
                }
                record(aggregate, events, stepsByPatient);
                boolean lastStep = step == day.steps().size() - 1;
                if (++commandsInBatch < day.commandsPerBatch() && !lastStep) {
                    continue; // the consumer gets several commands' events in one batch
                }
                projection.apply(batch, day.legacyEvents());
                String applied = eventTypes(batch);
                batch.clear();
                commandsInBatch = 0;
                compare(aggregate, queueId, now, "after step " + (step + 1) + " (" + command + ", batch " + applied + ")");
            }
            if (!batch.isEmpty()) {
                Instant now = DAY_START.plusSeconds(60L * (day.steps().size() + 1));
                projection.apply(batch, day.legacyEvents());
                compare(aggregate, queueId, now, "at the end of the day (batch " + eventTypes(batch) + ")");
            }
            compareTrajectories(queueId, aggregate, stepsByPatient);
            if (aggregate.exists() && projection.parkedEvents(queueId) != 0) {
                throw new AssertionError("events were parked although they arrived in order");
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("the projection failed on queue " + queueId + ": " + e, e);
        }
    }

    private static void compare(WaitingQueue aggregate, String queueId, Instant now, String when) throws Exception {
        Observation expected = Observation.of(aggregate);
        Observation actual = Observation.of(projection, queueId, now);
        comparisons.incrementAndGet();
        if (!expected.equals(actual)) {
            throw new AssertionError(when + " the read models disagree with the aggregate"
                    + "\n  aggregate:  " + expected + "\n  projection: " + actual);
        }
    }

    /** Every event that names a patient is a step of that patient's trajectory, in the visit it belongs to. */
    private static void compareTrajectories(String queueId, WaitingQueue aggregate,
                                            Map<String, List<String>> stepsByPatient) throws Exception {
        for (Patient patient : aggregate.patients()) {
            Views.Trajectory trajectory = projection.queries.trajectory(queueId, patient.patientId()).orElseThrow(
                    () -> new AssertionError("no trajectory for " + patient.patientId()));
            List<String> steps = new ArrayList<>();
            for (Views.Visit visit : trajectory.visits()) {
                for (Views.Step step : visit.steps()) {
                    steps.add(step.eventType() + "@" + visit.visit());
                }
            }
            if (!steps.equals(stepsByPatient.get(patient.patientId())) || trajectory.visit() != patient.visit()) {
                throw new AssertionError("trajectory of " + patient.patientId() + " (visit " + trajectory.visit()
                        + ") is " + steps + " but the aggregate decided " + stepsByPatient.get(patient.patientId())
                        + " (visit " + patient.visit() + ")");
            }
        }
    }

    /** Counts event types, and files each patient event under its patient as "type@visit". */
    private static void record(WaitingQueue aggregate, List<DomainEvent> events, Map<String, List<String>> stepsByPatient) {
        for (DomainEvent event : events) {
            String type = event.getClass().getSimpleName();
            synchronized (eventCounts) {
                eventCounts.merge(type, 1L, Long::sum);
            }
            JsonNode patientId = CODEC.payloadToJson(event).get("patientId");
            if (patientId != null) {
                int visit = aggregate.patient(patientId.asText()).orElseThrow().visit();
                stepsByPatient.computeIfAbsent(patientId.asText(), id -> new ArrayList<>()).add(type + "@" + visit);
            }
        }
    }

    private static String eventTypes(List<ProjectionUnderTest.Decided> events) {
        return events.stream().map(e -> e.event().getClass().getSimpleName()).toList().toString();
    }
}
