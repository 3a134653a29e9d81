package com.waitingroom.projection.live;

import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * One open stream. Never sends a snapshot older than or equal to what it already sent (or what the
 * client said it holds with Last-Event-ID), so a resumed stream has no duplicates and, because every
 * snapshot is the whole state, no gaps. Emitting never blocks: the stream's bounded buffer fails it
 * when the client does not keep up (see {@link DisplayFanOut#subscribe}).
 */
final class StreamSubscriber {

    private final MultiEmitter<? super StreamItem> emitter;
    private long lastSentVersion;

    StreamSubscriber(MultiEmitter<? super StreamItem> emitter, long lastEventId) {
        this.emitter = emitter;
        this.lastSentVersion = lastEventId;
    }

    /** Snapshots go out in version order: a lower or equal version than the last one sent is skipped. */
    synchronized void offer(StreamItem.Snapshot snapshot) {
        if (snapshot.version() > lastSentVersion && !emitter.isCancelled()) {
            lastSentVersion = snapshot.version();
            emitter.emit(snapshot);
        }
    }

    synchronized void heartbeat() {
        if (!emitter.isCancelled()) {
            emitter.emit(StreamItem.HEARTBEAT);
        }
    }
}
