package com.waitingroom.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.testsupport.http.Http11Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Sends a service's health probes one at a time, as a kubelet does, and records status, body and
 * response time of each. A probe without an answer within {@link #CLIENT_TIMEOUT} fails the test.
 * Not thread-safe: one test thread probes.
 */
public final class HealthProbes {

    public static final List<String> ENDPOINTS = List.of("/q/health/ready", "/q/health/live", "/q/health/started", "/q/health");
    public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answered probe; {@code sentAtNanos} is on the {@link System#nanoTime()} scale. */
    public record Probe(String path, int status, String body, long nanos, long sentAtNanos) {

        public boolean isReadiness() {
            return path.equals("/q/health/ready");
        }

        /** UP/DOWN of the whole response, or null when it has none. */
        public String overallStatus() {
            return json().path("status").asText(null);
        }

        /** UP/DOWN of one named check, or null when the response has no such check. */
        public String checkStatus(String checkName) {
            for (JsonNode check : json().path("checks")) {
                if (checkName.equals(check.path("name").asText())) {
                    return check.path("status").asText(null);
                }
            }
            return null;
        }

        private JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not a health response: " + body, e);
            }
        }

        public long millis() {
            return nanos / 1_000_000;
        }

        @Override
        public String toString() {
            return path + " " + status + " in " + millis() + " ms";
        }
    }

    private final HttpClient http = Http11Client.create(CLIENT_TIMEOUT);
    private final String baseUri;
    private final List<Probe> all = new ArrayList<>();

    public HealthProbes(int port) {
        this.baseUri = "http://localhost:" + port;
    }

    /** One probe of every endpoint, readiness first. */
    public List<Probe> round() {
        List<Probe> round = new ArrayList<>();
        for (String path : ENDPOINTS) {
            round.add(probe(path));
        }
        return round;
    }

    public Probe probe(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUri + path)).timeout(CLIENT_TIMEOUT).GET().build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Probe probe = new Probe(path, response.statusCode(), response.body(), System.nanoTime() - start, start);
            all.add(probe);
            return probe;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new AssertionError(path + " gave no answer after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + e, e);
        }
    }

    /** Every probe sent so far. */
    public List<Probe> all() {
        return List.copyOf(all);
    }

    /** Nearest-rank percentile of the response times, in milliseconds. */
    public static double percentileMillis(List<Probe> probes, double percentile) {
        List<Long> nanos = probes.stream().map(Probe::nanos).sorted(Comparator.naturalOrder()).toList();
        int rank = (int) Math.ceil(percentile / 100.0 * nanos.size());
        return nanos.get(Math.max(0, rank - 1)) / 1e6;
    }

    /** Response-time figures of a run, for the test output. */
    public static String summary(List<Probe> probes) {
        return String.format("%d probes: p50 %.1f ms, p99 %.1f ms, max %.1f ms", probes.size(),
                percentileMillis(probes, 50), percentileMillis(probes, 99), percentileMillis(probes, 100));
    }

    /** The slowest probes, for failure messages. */
    public static List<Probe> slowest(List<Probe> probes, int count) {
        return probes.stream().sorted(Comparator.comparingLong(Probe::nanos).reversed()).limit(count).toList();
    }
}
