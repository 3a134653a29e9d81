package com.waitingroom.projection.domain;

import com.waitingroom.projection.domain.StageOccupancies.Occupancy;
import com.waitingroom.projection.domain.StageOccupancies.Stage;
import com.waitingroom.projection.domain.StageOccupancies.Step;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WaitModelTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final WaitSettings SETTINGS = new WaitSettings(3, 2, Duration.ofHours(1), 1000,
            Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofMinutes(3),
            Duration.ofMinutes(12));

    @Test
    void occupanciesRunFromTheCallToTheEventThatFreesTheStation() {
        StageOccupancies occupancies = StageOccupancies.of(List.of(
                step("A", "PatientCheckedIn", 0, null),
                step("A", "PatientCalledAtCashier", 60, "d1"),
                step("A", "PatientPaymentValidated", 200, null),
                step("A", "PatientClaimedForAttention", 300, null),
                step("A", "PatientCalled", 320, null),
                step("A", "PatientConsultationStarted", 400, null),
                step("A", "PatientAttentionCompleted", 900, null),
                step("B", "PatientCheckedIn", 10, null),
                step("B", "PatientCalledAtCashier", 210, "d1"),
                step("B", "PatientPaymentPending", 250, null),
                step("C", "PatientCheckedIn", 20, null),
                step("C", "PatientCalled", 500, null), // no claim seen: the call starts the room occupancy
                step("C", "PatientAbsentAtConsultation", 560, null),
                step("D", "PatientCheckedIn", 30, null),
                step("D", "PatientCalledAtCashier", 700, "d2"),
                step("E", "PatientPaymentValidated", 710, null))); // its call is before the scanned tail

        assertEquals(List.of(
                new Occupancy(Stage.CASHIER, "General", at(60), at(200)),
                new Occupancy(Stage.CASHIER, "General", at(210), at(250)),
                new Occupancy(Stage.ROOM, "General", at(500), at(560)),
                new Occupancy(Stage.ROOM, "General", at(300), at(900))), sorted(occupancies.finished()));
        assertEquals(at(700), occupancies.deskSince("D"));
        assertNull(occupancies.deskSince("A"));
        assertEquals(at(700), occupancies.lastCallAt("d2"));
        assertEquals(at(210), occupancies.lastCallAt("d1"));
    }

    @Test
    void busyStationsAreFreeAtTheMeanMinusTheElapsedTimeButNoSoonerThanTheFloor() {
        List<Occupancy> finished = List.of(cashier(100), cashier(200), cashier(300)); // mean 200 s
        WaitModel.Input input = new WaitModel.Input(finished, List.of(), null,
                List.of(new WaitModel.Station("d1", true, NOW.minusSeconds(50), null),    // free in 150
                        new WaitModel.Station("d2", true, NOW.minusSeconds(500), null)),  // over the mean: floor 30
                List.of(), waiting("P1", "P2", "P3", "P4"), List.of());

        WaitEstimates estimates = new WaitModel(SETTINGS).estimate(input, NOW);

        // d2 at 30, d1 at 150, d2 again at 230, d1 at 350
        assertEquals(30L, estimates.secondsFor("P1"));
        assertEquals(150L, estimates.secondsFor("P2"));
        assertEquals(230L, estimates.secondsFor("P3"));
        assertEquals(350L, estimates.secondsFor("P4"));
    }

    @Test
    void roomsUseTheirTypesMeanThenAllTypesThenThePrior() {
        List<Occupancy> finished = new ArrayList<>(List.of(room("Cardiology", 600), room("Cardiology", 1200),
                room("General", 300)));
        WaitModel model = new WaitModel(SETTINGS);
        List<WaitModel.Station> oneIdleRoom = List.of(new WaitModel.Station("r1", false, null, null));
        List<WaitModel.Waiting> line = List.of(new WaitModel.Waiting("A", "Cardiology", 2),
                new WaitModel.Waiting("B", "General", 2), new WaitModel.Waiting("C", "General", 2));

        WaitEstimates estimates = model.estimate(new WaitModel.Input(finished, List.of(), null, List.of(), oneIdleRoom, List.of(), line), NOW);
        // Cardiology: 2 samples (min 2) -> 900 s; General: 1 sample -> all types (600+1200+300)/3 = 700 s
        assertEquals(0L, estimates.secondsFor("A"));
        assertEquals(900L, estimates.secondsFor("B"));
        assertEquals(1600L, estimates.secondsFor("C"));

        WaitEstimates unmeasured = model.estimate(new WaitModel.Input(List.of(), List.of(), null, List.of(), oneIdleRoom, List.of(), line), NOW);
        assertEquals(12 * 60L, unmeasured.secondsFor("B"));
    }

    @Test
    void onlyTheLastSamplesWithinTheLookbackCount() {
        List<Occupancy> finished = List.of(
                new Occupancy(Stage.CASHIER, "General", NOW.minusSeconds(7300), NOW.minusSeconds(7200)), // too old
                cashier(1000), cashier(10), cashier(20), cashier(30)); // only the last 3: mean 20
        WaitModel.Input input = new WaitModel.Input(finished, List.of(), null,
                List.of(new WaitModel.Station("d1", false, null, null)),
                List.of(), waiting("P1", "P2"), List.of());

        assertEquals(20L, new WaitModel(SETTINGS).estimate(input, NOW).secondsFor("P2"));
    }

    @Test
    void laterArrivalsOfAHigherPriorityStretchTheWaitsOfTheLowerOnes() {
        // 6 High patients entered the cashier line in the last hour: 6 per 3600 s x 200 s mean / 2 desks
        // = load 1/6, so Medium waits are stretched by 1 / (1 - 1/6) = 1.2; High ones are not.
        List<StageOccupancies.LineEntry> entries = IntStreamOf(6).mapToObj(i ->
                new StageOccupancies.LineEntry(Stage.CASHIER, 3, NOW.minusSeconds(600 + i))).toList();
        List<Occupancy> finished = List.of(cashier(200), cashier(200), cashier(200));
        List<WaitModel.Station> desks = List.of(new WaitModel.Station("d1", false, null, null),
                new WaitModel.Station("d2", false, null, null));
        List<WaitModel.Waiting> line = List.of(new WaitModel.Waiting("H", "General", 3),
                new WaitModel.Waiting("M1", "General", 2), new WaitModel.Waiting("M2", "General", 2),
                new WaitModel.Waiting("M3", "General", 2));

        WaitEstimates estimates = new WaitModel(SETTINGS).estimate(new WaitModel.Input(finished, entries,
                NOW.minusSeconds(7200), desks, List.of(), line, List.of()), NOW);

        assertEquals(0L, estimates.secondsFor("H"));
        assertEquals(0L, estimates.secondsFor("M1"));
        assertEquals(240L, estimates.secondsFor("M2"));
        assertEquals(240L, estimates.secondsFor("M3"));
        // Measured since the first step only, when that is less than the window: 6 per 1800 s -> load 1/3.
        WaitEstimates young = new WaitModel(SETTINGS).estimate(new WaitModel.Input(finished, entries,
                NOW.minusSeconds(1800), desks, List.of(), line, List.of()), NOW);
        assertEquals(300L, young.secondsFor("M2"));
    }

    private static java.util.stream.IntStream IntStreamOf(int n) {
        return java.util.stream.IntStream.range(0, n);
    }

    private static List<WaitModel.Waiting> waiting(String... ids) {
        return java.util.Arrays.stream(ids).map(id -> new WaitModel.Waiting(id, "General", 2)).toList();
    }

    private static Occupancy cashier(long seconds) {
        return new Occupancy(Stage.CASHIER, "General", NOW.minusSeconds(seconds + 60), NOW.minusSeconds(60));
    }

    private static Occupancy room(String type, long seconds) {
        return new Occupancy(Stage.ROOM, type, NOW.minusSeconds(seconds + 60), NOW.minusSeconds(60));
    }

    private static Step step(String patient, String type, long second, String desk) {
        return new Step(patient, 1, type, at(second), desk, "General", 2);
    }

    private static Instant at(long second) {
        return NOW.minusSeconds(3600).plusSeconds(second);
    }

    private static List<Occupancy> sorted(List<Occupancy> occupancies) {
        return occupancies.stream().sorted(java.util.Comparator.comparing(Occupancy::stage)
                .thenComparing(Occupancy::end)).toList();
    }
}
