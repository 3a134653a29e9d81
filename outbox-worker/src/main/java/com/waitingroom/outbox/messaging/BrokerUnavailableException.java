package com.waitingroom.outbox.messaging;

/** RabbitMQ cannot be reached or the connection died: an outage, never a reason to burn attempts. */
public class BrokerUnavailableException extends Exception {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
