package com.waitingroom.kernel.events;

import com.waitingroom.kernel.DomainEvent;

/** A consulting room opened and can claim patients. */
public record ConsultingRoomActivated(String queueId, String roomId) implements DomainEvent {
}
