package com.waitingroom.projection;

import io.restassured.path.json.JsonPath;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Sends health probes one at a time, as a kubelet does, and keeps status, body and response time of
 * each. A probe without an answer within {@link #CLIENT_TIMEOUT} fails the test.
 */
final class HealthProbes {

    static final List<String> ENDPOINTS = List.of("/q/health/ready", "/q/health/live", "/q/health/started", "/q/health");
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);

    record Probe(String path, int status, String body, long nanos) {

        boolean isReadiness() {
            return path.equals("/q/health/ready");
        }

        /** UP/DOWN of one named check, or null when the response has no such check. */
        String checkStatus(String checkName) {
            return JsonPath.from(body).getString("checks.find { it.name == '" + checkName + "' }.status");
        }

        long millis() {
            return nanos / 1_000_000;
        }

        @Override
        public String toString() {
            return path + " " + status + " in " + millis() + " ms";
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CLIENT_TIMEOUT).build();
    private final String baseUri;
    private final List<Probe> all = new ArrayList<>();

    HealthProbes(int port) {
        this.baseUri = "http://localhost:" + port;
    }

    /** One probe of every endpoint, readiness first. */
    List<Probe> round() {
        List<Probe> round = new ArrayList<>();
        for (String path : ENDPOINTS) {
            round.add(probe(path));
        }
        return round;
    }

    Probe probe(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUri + path)).timeout(CLIENT_TIMEOUT).GET().build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Probe probe = new Probe(path, response.statusCode(), response.body(), System.nanoTime() - start);
            all.add(probe);
            return probe;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            return fail(path + " gave no answer after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + e);
        }
    }

    /** Every probe sent so far. */
    List<Probe> all() {
        return List.copyOf(all);
    }

    /** Nearest-rank percentile of the response times, in milliseconds. */
    static double percentileMillis(List<Probe> probes, double percentile) {
        List<Long> nanos = probes.stream().map(Probe::nanos).sorted(Comparator.naturalOrder()).toList();
        int rank = (int) Math.ceil(percentile / 100.0 * nanos.size());
        return nanos.get(Math.max(0, rank - 1)) / 1e6;
    }

    /** The slowest probes, for failure messages. */
    static List<Probe> slowest(List<Probe> probes, int count) {
        return probes.stream().sorted(Comparator.comparingLong(Probe::nanos).reversed()).limit(count).toList();
    }
}
