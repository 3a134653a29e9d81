package com.waitingroom.projection.live;

/** What a screen's stream carries: the queue's public view at a version, or a keep-alive. */
public sealed interface StreamItem {

    /** The whole public view (JSON, serialized once for every subscriber) at read-model {@code version}. */
    record Snapshot(long version, String json) implements StreamItem {
    }

    /** A comment line that keeps idle connections open through proxies. */
    record Heartbeat() implements StreamItem {
    }

    Heartbeat HEARTBEAT = new Heartbeat();
}
