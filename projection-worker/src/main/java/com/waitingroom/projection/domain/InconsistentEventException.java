package com.waitingroom.projection.domain;

/**
 * An event that cannot be applied to the current read model (e.g. it names a patient the queue
 * never checked in). Retrying will not help: the consumer dead-letters it after bounded attempts.
 */
public class InconsistentEventException extends RuntimeException {
    public InconsistentEventException(String message) {
        super(message);
    }
}
