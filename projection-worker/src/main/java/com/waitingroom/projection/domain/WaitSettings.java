package com.waitingroom.projection.domain;

import java.time.Duration;

/**
 * How predicted waits are computed (projection.wait-estimate.* / PROJECTION_WAIT_ESTIMATE_*).
 *
 * @param samples          occupancies averaged per stage: the most recent N
 * @param minSamples       fewer measured occupancies of a consultation type than this: use all types, then the prior
 * @param lookback         only occupancies that ended within this much before now count
 * @param stepsScanned     at most this many of the queue's latest steps are read (bounds the query)
 * @param remainingFloor   a busy station is free no sooner than this (its occupant already ran over the mean)
 * @param deskIdleClosed   a desk without a patient whose last call is older than this counts as closed
 *                         (desks have no open/close events); if that closes every desk, all count
 * @param arrivalWindow    the rate of higher-priority patients entering a line is measured over this last window
 *                         and stretches the waits; 0 (the default) = off: measured, it made the error worse
 * @param cashierPrior     a desk occupancy before anything was measured
 * @param consultationPrior a room occupancy before anything was measured
 */
public record WaitSettings(int samples, int minSamples, Duration lookback, int stepsScanned, Duration remainingFloor,
                           Duration deskIdleClosed, Duration arrivalWindow, Duration cashierPrior,
                           Duration consultationPrior) {

    /** The defaults of application.properties, for callers outside CDI (e.g. the fidelity test). */
    public static final WaitSettings DEFAULTS = new WaitSettings(30, 3, Duration.ofHours(4), 3000,
            Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ZERO, Duration.ofMinutes(3),
            Duration.ofMinutes(12));
}
