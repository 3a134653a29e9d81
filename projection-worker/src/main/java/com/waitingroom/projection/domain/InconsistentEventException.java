package com.waitingroom.projection.domain;

/**
 * An event that cannot be applied to the current read model (e.g. it names a patient the queue
 * never checked in). Retrying will not help: after bounded attempts the consumer parks the queue.
 */
public class InconsistentEventException extends RuntimeException {
    public InconsistentEventException(String message) {
        super(message);
    }
}
