package com.waitingroom.projection.store;

import java.util.List;

/** What one read-model transaction did with its events. */
public record BatchOutcome(List<IncomingEvent> applied, int duplicates, int parked, int gapFilled) {
}
