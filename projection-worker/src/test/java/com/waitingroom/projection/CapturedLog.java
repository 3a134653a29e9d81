package com.waitingroom.projection;

import org.jboss.logmanager.ExtLogRecord;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what the application logs (every logger, through JBoss LogManager's root) at or above a
 * level while it is open, so a test can assert on log lines: e.g. that an outage logs no ERROR.
 */
final class CapturedLog extends Handler implements LogLines {

    /** One record, its message formatted and the messages of its causes appended. */
    record Line(Level level, String logger, String text) {
        @Override
        public String toString() {
            return level + " [" + logger + "] " + text;
        }
    }

    private final Queue<Line> lines = new ConcurrentLinkedQueue<>();

    private CapturedLog(Level threshold) {
        setLevel(threshold);
    }

    static CapturedLog atOrAbove(Level threshold) {
        CapturedLog log = new CapturedLog(threshold);
        Logger.getLogger("").addHandler(log);
        return log;
    }

    @Override
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        StringBuilder text = new StringBuilder(record instanceof ExtLogRecord ext
                ? String.valueOf(ext.getFormattedMessage()) : String.valueOf(record.getMessage()));
        for (Throwable cause = record.getThrown(); cause != null; cause = cause.getCause()) {
            text.append(" | ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
        }
        lines.add(new Line(record.getLevel(), record.getLoggerName(), text.toString()));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
