package com.waitingroom.projection.store;

/**
 * Applying one event failed deterministically: the projector rejected it, or the write of what it
 * produced failed. Names the event exactly (also when it came from gap filling or from parked
 * events) so the caller parks that event's queue rather than guessing from the delivery it held.
 * A transient cause (connection lost during the write) stays visible through {@link #getCause()}.
 */
public class EventApplyException extends RuntimeException {

    private final transient IncomingEvent event;

    public EventApplyException(IncomingEvent event, Throwable cause) {
        super(event.envelope().eventType() + " " + event.envelope().eventId() + " (" + event.aggregateId() + " v"
                + event.version() + "): " + describe(cause), cause);
        this.event = event;
    }

    public IncomingEvent event() {
        return event;
    }

    /** The cause alone (class and message), for the parked-queue mark and the API. */
    public String error() {
        return describe(getCause());
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
