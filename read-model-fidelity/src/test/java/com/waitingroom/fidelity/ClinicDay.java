package com.waitingroom.fidelity;

import java.util.List;

/**
 * One generated day: its commands; whether its events reach the projection as schema-1 events
 * (without the line sequences, visits and default desk that schema 2 added, so the projection must
 * derive them as the aggregate did); and how many commands' events the projection gets per batch
 * (a consumer batch holds several commands' events).
 */
record ClinicDay(List<ClinicStep> steps, boolean legacyEvents, int commandsPerBatch) {

    ClinicDay withSteps(List<ClinicStep> fewer) {
        return new ClinicDay(fewer, legacyEvents, commandsPerBatch);
    }

    @Override
    public String toString() {
        return (legacyEvents ? "schema-1 events" : "schema-2 events") + ", " + commandsPerBatch
                + " command(s) per batch, " + steps.size() + " steps: " + steps;
    }
}
