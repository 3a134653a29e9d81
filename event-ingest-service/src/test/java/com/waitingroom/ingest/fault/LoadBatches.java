package com.waitingroom.ingest.fault;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Request bodies for the fault tests' load generators. */
final class LoadBatches {

    private LoadBatches() {
    }

    /**
     * A JSON array of {@code count} events of one service with fresh, sequential client event ids,
     * which are added to {@code ids} so the test can later look for every acknowledged one.
     */
    static String jsonBatch(String service, AtomicLong sequence, int count, String message, List<String> ids) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            String id = service + "-" + sequence.incrementAndGet();
            ids.add(id);
            body.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(id).append("\",\"timestamp\":\"")
                    .append(Instant.now()).append("\",\"service\":\"").append(service)
                    .append("\",\"message\":\"").append(message).append("\"}");
        }
        return body.append(']').toString();
    }
}
