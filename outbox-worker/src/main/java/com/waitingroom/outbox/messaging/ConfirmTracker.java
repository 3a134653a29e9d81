package com.waitingroom.outbox.messaging;

import com.waitingroom.outbox.domain.PublishOutcome;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker's verdicts on one sent batch: publish sequence numbers map to positions by offset, so
 * several batches can be in flight on one channel (a multiple ack that spans them resolves each).
 */
final class ConfirmTracker {
    private final long firstSeq;
    private final PublishOutcome[] outcomes;
    private final String[] returnReasons;
    final Map<String, Integer> indexByMessageId = new ConcurrentHashMap<>();
    private int resolved;
    private boolean connectionLost;
    /** When the broker last answered on the channel while this batch was in flight (a confirm of it, or of a batch
     * sent before or after it on the same channel): a channel that makes progress is not timed out. */
    private long lastProgressNanos = System.nanoTime();

    ConfirmTracker(long firstSeq, int size) {
        this.firstSeq = firstSeq;
        this.outcomes = new PublishOutcome[size];
        this.returnReasons = new String[size];
    }

    synchronized void returned(String messageId, String reason) {
        Integer index = messageId == null ? null : indexByMessageId.get(messageId);
        if (index != null) {
            returnReasons[index] = reason;
        }
    }

    synchronized void resolve(long tag, boolean multiple, String nackReason) {
        long from = multiple ? firstSeq : tag;
        for (long seq = Math.max(from, firstSeq); seq <= tag; seq++) {
            int index = (int) (seq - firstSeq);
            if (index >= outcomes.length) {
                break;
            }
            if (outcomes[index] == null) {
                if (nackReason != null) {
                    outcomes[index] = new PublishOutcome(PublishOutcome.Status.REFUSED, nackReason);
                } else if (returnReasons[index] != null) {
                    outcomes[index] = new PublishOutcome(PublishOutcome.Status.REFUSED, returnReasons[index]);
                } else {
                    outcomes[index] = PublishOutcome.CONFIRMED;
                }
                resolved++;
            }
        }
        lastProgressNanos = System.nanoTime();
        if (resolved == outcomes.length) {
            notifyAll();
        }
    }

    synchronized void abort(String reason) {
        connectionLost = true;
        fillUnresolved(new PublishOutcome(PublishOutcome.Status.CONNECTION_LOST, reason));
    }

    synchronized void timeOut(String reason) {
        fillUnresolved(new PublishOutcome(PublishOutcome.Status.TIMED_OUT, reason));
    }

    private void fillUnresolved(PublishOutcome outcome) {
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] == null) {
                outcomes[i] = outcome;
                resolved++;
            }
        }
        notifyAll();
    }

    synchronized int resolvedCount() {
        return resolved;
    }

    synchronized boolean connectionLost() {
        return connectionLost;
    }

    /**
     * Waits until every message is resolved; false once the broker confirmed nothing on the channel for
     * {@code quietMillis} (counted from this call or from the latest confirm, whichever is later), so a large batch
     * that a slow broker keeps confirming is not failed, and a stalled one is failed as soon as a small one would be.
     * Bounded: the worker sends nothing more while it waits, so the channel's other batches run out.
     */
    synchronized boolean await(long quietMillis) throws InterruptedException {
        long quietNanos = quietMillis * 1_000_000L;
        long awaitStarted = System.nanoTime();
        while (resolved < outcomes.length) {
            long since = lastProgressNanos - awaitStarted > 0 ? lastProgressNanos : awaitStarted;
            long remainingNanos = since + quietNanos - System.nanoTime();
            if (remainingNanos <= 0) {
                return false;
            }
            wait((remainingNanos + 999_999) / 1_000_000L); // rounded up: never gives up early
        }
        return true;
    }

    synchronized List<PublishOutcome> outcomes() {
        return Arrays.asList(outcomes.clone());
    }
}
