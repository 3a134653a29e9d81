package com.waitingroom.projection.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;

/**
 * List scheduling of one line over parallel stations (pure): the patients, in line order, each take
 * the station that is free first and hold it for their expected occupancy. A patient's wait is the
 * moment a station is free for them.
 */
public final class LineSchedule {

    private LineSchedule() {
    }

    /**
     * @param stationsFreeInMillis for each open station, milliseconds from now until it is free (0 = idle)
     * @param line                 the patients in the order the line is served
     * @param occupancyMillis      how long a patient will hold the station once called
     * @return patient id → milliseconds until a station is free for them, in line order; empty without a station
     */
    public static <P> Map<P, Long> waits(List<Long> stationsFreeInMillis, List<P> line, ToLongFunction<P> occupancyMillis) {
        Map<P, Long> waits = new LinkedHashMap<>();
        if (stationsFreeInMillis.isEmpty()) {
            return waits;
        }
        PriorityQueue<Long> freeAt = new PriorityQueue<>();
        stationsFreeInMillis.forEach(free -> freeAt.add(Math.max(0, free)));
        for (P patient : line) {
            long start = freeAt.poll();
            waits.put(patient, start);
            freeAt.add(start + Math.max(0, occupancyMillis.applyAsLong(patient)));
        }
        return waits;
    }
}
