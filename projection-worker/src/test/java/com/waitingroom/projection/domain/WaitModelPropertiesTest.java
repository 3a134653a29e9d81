package com.waitingroom.projection.domain;

import com.waitingroom.projection.domain.StageOccupancies.Occupancy;
import com.waitingroom.projection.domain.StageOccupancies.Stage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of the pure estimator: list scheduling over measured means. */
class WaitModelPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final List<String> TYPES = List.of("General", "Cardiology", "Pediatrics");
    // the higher-priority stretch on (it is off by default), so the properties cover it too
    private static final WaitModel MODEL = new WaitModel(new WaitSettings(30, 3, java.time.Duration.ofHours(4), 3000,
            java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(15), java.time.Duration.ofHours(1),
            java.time.Duration.ofMinutes(3), java.time.Duration.ofMinutes(12)));

    @Property
    void withKIdleStationsOfEqualDurationThePatientAtPWaitsFloorOfPMinusOneOverKTimesD(
            @ForAll @IntRange(min = 1, max = 6) int k, @ForAll @IntRange(min = 0, max = 40) int patients,
            @ForAll @LongRange(min = 1, max = 3600) long d) {
        List<Long> idle = IntStream.range(0, k).mapToObj(i -> 0L).toList();
        List<Integer> line = IntStream.rangeClosed(1, patients).boxed().toList();

        Map<Integer, Long> waits = LineSchedule.waits(idle, line, p -> d);

        for (int p : line) {
            assertEquals((long) (p - 1) / k * d, waits.get(p), "position " + p);
        }
    }

    @Property
    void estimatesNeverDecreaseAlongALine(@ForAll("queues") WaitModel.Input input) {
        WaitEstimates estimates = MODEL.estimate(input, NOW);

        assertNonDecreasing(input.cashierLine(), estimates.cashierLine());
        assertNonDecreasing(input.consultationLine(), estimates.consultationLine());
    }

    @Property
    void anExtraOpenStationNeverIncreasesAnEstimate(@ForAll("queues") WaitModel.Input input,
                                                    @ForAll("stations") WaitModel.Station extra) {
        WaitEstimates before = MODEL.estimate(input, NOW);
        WaitEstimates withDesk = MODEL.estimate(new WaitModel.Input(input.finished(), input.entries(),
                input.observedSince(), plus(input.openDesks(), extra), input.openRooms(), input.cashierLine(),
                input.consultationLine()), NOW);
        WaitEstimates withRoom = MODEL.estimate(new WaitModel.Input(input.finished(), input.entries(),
                input.observedSince(), input.openDesks(), plus(input.openRooms(), extra), input.cashierLine(),
                input.consultationLine()), NOW);

        assertNotLater(before.cashierLine(), withDesk.cashierLine());
        assertEquals(before.consultationLine(), withDesk.consultationLine());
        assertNotLater(before.consultationLine(), withRoom.consultationLine());
        assertEquals(before.cashierLine(), withRoom.cashierLine());
    }

    @Property
    void aLineWithoutAnOpenStationHasNoEstimates(@ForAll("queues") WaitModel.Input input) {
        WaitEstimates estimates = MODEL.estimate(new WaitModel.Input(input.finished(), input.entries(),
                input.observedSince(), List.of(), List.of(), input.cashierLine(), input.consultationLine()), NOW);

        input.cashierLine().forEach(w -> assertEquals(null, estimates.secondsFor(w.patientId())));
        input.consultationLine().forEach(w -> assertEquals(null, estimates.secondsFor(w.patientId())));
    }

    @Property
    void everyEstimateIsAtLeastZeroAndTheFirstPatientWithAnIdleStationWaitsNothing(
            @ForAll("queues") WaitModel.Input input) {
        WaitEstimates estimates = MODEL.estimate(input, NOW);

        estimates.cashierLine().values().forEach(s -> assertTrue(s >= 0));
        estimates.consultationLine().values().forEach(s -> assertTrue(s >= 0));
        if (!input.cashierLine().isEmpty() && input.openDesks().stream().anyMatch(s -> !s.busy())) {
            assertEquals(0L, estimates.cashierLine().get(input.cashierLine().get(0).patientId()));
        }
    }

    @Provide
    Arbitrary<WaitModel.Input> queues() {
        Arbitrary<List<Occupancy>> finished = occupancy().list().ofMaxSize(60);
        Arbitrary<List<WaitModel.Station>> desks = stations().list().ofMaxSize(4);
        Arbitrary<List<WaitModel.Station>> rooms = stations().list().ofMaxSize(5);
        Arbitrary<List<Integer>> cashier = Arbitraries.integers().between(0, 3).list().ofMaxSize(25);
        Arbitrary<List<String>> consultationTypes = Arbitraries.of(TYPES).list().ofMaxSize(25);
        Arbitrary<List<StageOccupancies.LineEntry>> entries = lineEntry().list().ofMaxSize(40);
        Arbitrary<Integer> observedFor = Arbitraries.integers().between(0, 7200);
        return Combinators.combine(finished, entries, observedFor, desks, rooms, cashier, consultationTypes)
                .as((f, e, observed, d, r, levels, types) -> {
                    // a line is in line order: priority levels never increase along it
                    List<Integer> descending = levels.stream().sorted(java.util.Comparator.reverseOrder()).toList();
                    List<WaitModel.Waiting> cashierLine = IntStream.range(0, descending.size()).mapToObj(i ->
                            new WaitModel.Waiting("C-" + i, TYPES.get(i % TYPES.size()), descending.get(i))).toList();
                    List<WaitModel.Waiting> consultationLine = new ArrayList<>();
                    for (int i = 0; i < types.size(); i++) {
                        consultationLine.add(new WaitModel.Waiting("R-" + i, types.get(i), 3 - Math.min(3, i / 5)));
                    }
                    return new WaitModel.Input(f, e, NOW.minusSeconds(observed), d, r, cashierLine, consultationLine);
                });
    }

    @Provide
    Arbitrary<WaitModel.Station> stations() {
        Arbitrary<Boolean> busy = Arbitraries.of(true, false);
        Arbitrary<Integer> elapsedSeconds = Arbitraries.integers().between(0, 3600);
        return Combinators.combine(busy, elapsedSeconds, Arbitraries.of(TYPES)).as((b, elapsed, type) ->
                new WaitModel.Station("S", b, b ? NOW.minusSeconds(elapsed) : null, b ? type : null));
    }

    private static Arbitrary<StageOccupancies.LineEntry> lineEntry() {
        return Combinators.combine(Arbitraries.of(Stage.values()), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 7200)).as((line, level, ago) ->
                new StageOccupancies.LineEntry(line, level, NOW.minusSeconds(ago)));
    }

    private static Arbitrary<Occupancy> occupancy() {
        return Combinators.combine(Arbitraries.of(Stage.values()), Arbitraries.of(TYPES),
                Arbitraries.integers().between(1, 7200), Arbitraries.integers().between(30, 2400))
                .as((stage, type, endedAgo, seconds) -> new Occupancy(stage, type,
                        NOW.minusSeconds(endedAgo + seconds), NOW.minusSeconds(endedAgo)));
    }

    private static <T> List<T> plus(List<T> list, T extra) {
        List<T> result = new ArrayList<>(list);
        result.add(extra);
        return result;
    }

    private static void assertNonDecreasing(List<WaitModel.Waiting> line, Map<String, Long> estimates) {
        long previous = 0;
        for (WaitModel.Waiting waiting : line) {
            Long seconds = estimates.get(waiting.patientId());
            if (seconds == null) {
                return;
            }
            assertTrue(seconds >= previous, waiting.patientId() + ": " + seconds + " < " + previous);
            previous = seconds;
        }
    }

    private static void assertNotLater(Map<String, Long> before, Map<String, Long> after) {
        before.forEach((patient, seconds) -> assertTrue(after.get(patient) <= seconds,
                patient + ": " + after.get(patient) + " > " + seconds));
        assertTrue(after.keySet().containsAll(before.keySet()));
    }

}
