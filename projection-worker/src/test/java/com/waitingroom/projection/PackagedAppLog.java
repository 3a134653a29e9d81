package com.waitingroom.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

/**
 * The log of the packaged app that a {@code @QuarkusIntegrationTest} started (its console output, which
 * Quarkus writes to {@code target/quarkus.log}), read from where it ended when this window was opened:
 * the same {@link LogLines} the in-process {@link CapturedLog} gives, for a JVM jar or a native executable.
 * The packaged app runs the prod profile, so its console writes one JSON object per line.
 */
final class PackagedAppLog implements LogLines {

    private static final Path LOG = Path.of("target", "quarkus.log");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Level threshold;
    private final long start;

    private PackagedAppLog(Level threshold, long start) {
        this.threshold = threshold;
        this.start = start;
    }

    static PackagedAppLog atOrAbove(Level threshold) {
        try {
            return new PackagedAppLog(threshold, Files.exists(LOG) ? Files.size(LOG) : 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + LOG.toAbsolutePath(), e);
        }
    }

    /**
     * Fails when the window holds no log record at all: a test asserting that nothing bad was logged
     * must not pass because it could not read the log.
     */
    @Override
    public List<CapturedLog.Line> lines() {
        List<CapturedLog.Line> lines = new ArrayList<>();
        int records = 0;
        for (String text : windowText().split("\\R")) {
            JsonNode record = parse(text);
            if (record == null || !record.hasNonNull("level")) {
                continue; // another process's output, or not a log record
            }
            records++;
            Level level = switch (record.get("level").asText()) {
                case "ERROR", "FATAL" -> Level.SEVERE;
                case "WARN", "WARNING" -> Level.WARNING;
                case "INFO" -> Level.INFO;
                default -> Level.FINE;
            };
            if (level.intValue() < threshold.intValue()) {
                continue;
            }
            StringBuilder message = new StringBuilder(record.path("message").asText());
            JsonNode exception = record.path("exception");
            while (!exception.isMissingNode() && !exception.isNull()) {
                message.append(" | ").append(exception.path("exceptionType").asText()).append(": ")
                        .append(exception.path("message").asText());
                exception = exception.path("causedBy").path("exception");
            }
            lines.add(new CapturedLog.Line(level, record.path("loggerName").asText(), message.toString()));
        }
        if (records == 0) {
            throw new AssertionError(LOG.toAbsolutePath() + " holds no JSON log record since the window opened");
        }
        return lines;
    }

    @Override
    public void close() {
    }

    private String windowText() {
        try (RandomAccessFile file = new RandomAccessFile(LOG.toFile(), "r")) {
            // The app may have been restarted meanwhile (a new, shorter file): then read it all.
            long from = file.length() >= start ? start : 0;
            byte[] tail = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + LOG.toAbsolutePath(), e);
        }
    }

    private static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException notJson) {
            return null;
        }
    }
}
