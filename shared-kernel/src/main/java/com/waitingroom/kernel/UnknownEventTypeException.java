package com.waitingroom.kernel;

import java.util.Collection;

/** An event type name (or class) that the registry does not know. */
public class UnknownEventTypeException extends EventDecodingException {

    private final String eventType;

    public UnknownEventTypeException(String eventType, Collection<String> known) {
        super("unknown event type '" + eventType + "'; known types: " + String.join(", ", known));
        this.eventType = eventType;
    }

    public String eventType() {
        return eventType;
    }
}
