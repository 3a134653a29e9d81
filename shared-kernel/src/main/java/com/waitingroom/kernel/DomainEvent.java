package com.waitingroom.kernel;

/**
 * Marker for typed event payloads. Every implementation is a record registered in
 * {@link EventTypeRegistry}; its simple class name is its event type (and routing key).
 */
public interface DomainEvent {

    /** The waiting queue (aggregate) this event belongs to. */
    String queueId();
}
