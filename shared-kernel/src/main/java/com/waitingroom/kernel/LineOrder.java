package com.waitingroom.kernel;

/**
 * The one definition of the order in which a line (the cashier line, the consultation line) is
 * served: higher priority level first, then the lower line sequence. Every event that puts a
 * patient in a line carries the sequence it got, so the aggregate and every read model order
 * from the same data (the projection's SQL is {@code ORDER BY priority_level DESC, line_sequence}).
 *
 * <p>The queue hands out sequences from one counter: a patient who enters a line (check-in, payment
 * validated, requeued after an absence) gets the next number, so a requeued patient goes to the back
 * of its priority. Schema-1 events carried no sequence; a reader replaying them keeps the same
 * counter and uses {@link #resolve}, which is exactly what the aggregate did when it decided them.
 */
public final class LineOrder {

    private LineOrder() {
    }

    /** The sequence an event places its patient at: the one it carries, else the reader's counter. */
    public static long resolve(Long carried, long nextFromCounter) {
        return carried != null ? carried : nextFromCounter;
    }

    /** The counter after a patient was placed at {@code placed}. */
    public static long advance(long nextFromCounter, long placed) {
        return Math.max(nextFromCounter, placed + 1);
    }

    /** Negative when (levelA, sequenceA) is served before (levelB, sequenceB). */
    public static int compare(int priorityLevelA, long sequenceA, int priorityLevelB, long sequenceB) {
        if (priorityLevelA != priorityLevelB) {
            return Integer.compare(priorityLevelB, priorityLevelA);
        }
        return Long.compare(sequenceA, sequenceB);
    }
}
