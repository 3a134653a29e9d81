package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** A consulting room closed. */
public record ConsultingRoomDeactivated(String queueId, String roomId) implements DomainEvent {
}
