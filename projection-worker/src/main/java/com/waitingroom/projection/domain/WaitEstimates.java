package com.waitingroom.projection.domain;

import java.util.Map;

/**
 * Predicted waits of one queue at one instant: seconds from then until the patient is called by the
 * next station of the line they are in (cashier line: a desk calls them; consultation line: a room
 * claims them). A patient of a line without an open station, or in no line, has none (null).
 */
public record WaitEstimates(Map<String, Long> cashierLine, Map<String, Long> consultationLine) {

    public static final WaitEstimates NONE = new WaitEstimates(Map.of(), Map.of());

    public WaitEstimates {
        cashierLine = Map.copyOf(cashierLine);
        consultationLine = Map.copyOf(consultationLine);
    }

    /** The patient's estimate in whichever line they are, or null. */
    public Long secondsFor(String patientId) {
        Long cashier = cashierLine.get(patientId);
        return cashier != null ? cashier : consultationLine.get(patientId);
    }
}
