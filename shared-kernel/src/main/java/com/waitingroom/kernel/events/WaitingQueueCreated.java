package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** A waiting queue came into existence, explicitly or on its first check-in. */
public record WaitingQueueCreated(String queueId, String name, int maxCapacity) implements DomainEvent {
}
