package com.waitingroom.projection.domain;

import com.waitingroom.projection.domain.StageOccupancies.LineEntry;
import com.waitingroom.projection.domain.StageOccupancies.Occupancy;
import com.waitingroom.projection.domain.StageOccupancies.Stage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Predicted waits of one queue (pure). Each stage's expected occupancy is the mean of its most recent
 * measured occupancies (a room's per consultation type, falling back to all types, then to the prior).
 * Each open station is free at now + max(floor, mean - elapsed of its occupant), or now when idle; the
 * patients of a line then take the earliest-free station in line order ({@link LineSchedule}). Finally
 * each wait is stretched by the patients of a higher priority expected to arrive meanwhile and go ahead
 * (their measured arrival rate; {@link #overtaking}).
 */
public final class WaitModel {

    /** An open desk or room; {@code occupantSince} null when idle (or unknown: then a full mean remains). */
    public record Station(String stationId, boolean busy, Instant occupantSince, String occupantType) {
    }

    /** A patient waiting in a line; a higher {@code priorityLevel} is served first. */
    public record Waiting(String patientId, String consultationType, int priorityLevel) {
    }

    /**
     * What the read model says about the queue now: finished occupancies and line entries (from the
     * steps read, which cover [observedSince, now]; null without steps), the open stations, both lines.
     */
    public record Input(List<Occupancy> finished, List<LineEntry> entries, Instant observedSince,
                        List<Station> openDesks, List<Station> openRooms, List<Waiting> cashierLine,
                        List<Waiting> consultationLine) {
    }

    /** Patients of higher priority arriving while one waits are served first: at most this share of the stations. */
    private static final double MAX_OVERTAKING_LOAD = 0.8;

    private final WaitSettings settings;

    public WaitModel(WaitSettings settings) {
        this.settings = settings;
    }

    public WaitEstimates estimate(Input input, Instant now) {
        List<Occupancy> recent = input.finished().stream()
                .filter(o -> !o.end().isBefore(now.minus(settings.lookback()))).toList();
        long cashierMean = mean(recent, o -> o.stage() == Stage.CASHIER, settings.cashierPrior());
        Map<String, Long> roomMeans = new HashMap<>();
        long allTypes = mean(recent, o -> o.stage() == Stage.ROOM, settings.consultationPrior());
        java.util.function.ToLongFunction<String> roomMean = type -> roomMeans.computeIfAbsent(
                type == null ? "" : type, t -> meanOfType(recent, t, allTypes));

        Map<String, Long> cashier = seconds(LineSchedule.waits(
                freeIn(input.openDesks(), type -> cashierMean, now), input.cashierLine(), w -> cashierMean),
                overtaking(input, Stage.CASHIER, cashierMean, input.openDesks().size(), now));
        Map<String, Long> consultation = seconds(LineSchedule.waits(
                freeIn(input.openRooms(), roomMean::applyAsLong, now), input.consultationLine(),
                w -> roomMean.applyAsLong(w.consultationType())),
                overtaking(input, Stage.ROOM, allTypes, input.openRooms().size(), now));
        return new WaitEstimates(cashier, consultation);
    }

    /**
     * Per priority level, the factor 1 / (1 - rho) by which later arrivals of a higher priority stretch a
     * wait: they enter the line ahead at the measured rate r (per ms, over the last arrival-window) and
     * each holds one of the k stations for the mean occupancy d, so a wait W grows to W + r W d / k,
     * i.e. W / (1 - r d / k), with rho = r d / k capped at MAX_OVERTAKING_LOAD.
     */
    private java.util.function.IntToDoubleFunction overtaking(Input input, Stage line, long meanMillis, int stations,
                                                              Instant now) {
        Instant from = now.minus(settings.arrivalWindow());
        if (input.observedSince() != null && input.observedSince().isAfter(from)) {
            from = input.observedSince();
        }
        long spanMillis = Duration.between(from, now).toMillis();
        if (stations == 0 || spanMillis <= 0) {
            return level -> 1;
        }
        Map<Integer, Integer> entriesByLevel = new HashMap<>();
        for (LineEntry entry : input.entries()) {
            if (entry.line() == line && !entry.at().isBefore(from) && !entry.at().isAfter(now)) {
                entriesByLevel.merge(entry.priorityLevel(), 1, Integer::sum);
            }
        }
        return level -> {
            long higher = entriesByLevel.entrySet().stream().filter(e -> e.getKey() > level)
                    .mapToLong(Map.Entry::getValue).sum();
            double load = (double) higher / spanMillis * meanMillis / stations;
            return 1 / (1 - Math.min(MAX_OVERTAKING_LOAD, load));
        };
    }

    private long meanOfType(List<Occupancy> recent, String type, long allTypes) {
        List<Occupancy> ofType = last(recent, o -> o.stage() == Stage.ROOM && Objects.equals(o.consultationType(), type));
        return ofType.size() >= settings.minSamples() ? average(ofType) : allTypes;
    }

    private long mean(List<Occupancy> recent, Predicate<Occupancy> stage, Duration prior) {
        List<Occupancy> samples = last(recent, stage);
        return samples.isEmpty() ? prior.toMillis() : average(samples);
    }

    /** The most recent {@code samples} occupancies that match (they are in the order they ended). */
    private List<Occupancy> last(List<Occupancy> recent, Predicate<Occupancy> matching) {
        List<Occupancy> found = new ArrayList<>();
        for (int i = recent.size() - 1; i >= 0 && found.size() < settings.samples(); i--) {
            if (matching.test(recent.get(i))) {
                found.add(recent.get(i));
            }
        }
        return found;
    }

    private static long average(List<Occupancy> samples) {
        return Math.round(samples.stream().mapToLong(o -> o.duration().toMillis()).average().orElse(0));
    }

    private List<Long> freeIn(List<Station> stations, java.util.function.ToLongFunction<String> meanOfType, Instant now) {
        List<Long> free = new ArrayList<>();
        for (Station station : stations) {
            if (!station.busy()) {
                free.add(0L);
                continue;
            }
            long elapsed = station.occupantSince() == null ? 0
                    : Math.max(0, Duration.between(station.occupantSince(), now).toMillis());
            free.add(Math.max(settings.remainingFloor().toMillis(), meanOfType.applyAsLong(station.occupantType()) - elapsed));
        }
        return free;
    }

    private static Map<String, Long> seconds(Map<Waiting, Long> millis, java.util.function.IntToDoubleFunction stretch) {
        Map<String, Long> result = new HashMap<>();
        millis.forEach((waiting, ms) -> result.put(waiting.patientId(),
                Math.round(ms * stretch.applyAsDouble(waiting.priorityLevel()) / 1000.0)));
        return result;
    }
}
