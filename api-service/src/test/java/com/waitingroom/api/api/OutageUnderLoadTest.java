package com.waitingroom.api.api;

import com.waitingroom.security.Roles;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A 10 s PostgreSQL outage (its sessions terminated, then the proxy cut) while check-ins keep arriving, readiness is probed and
 * the service's log is captured:
 * <ul>
 * <li>no 500: every failure is a 503 problem+json with Retry-After, and every check-in retried with
 * its Idempotency-Key after the outage is stored exactly once;</li>
 * <li>readiness answers within 200 ms (p99) in every state, DOWN (503) during the outage, UP after;</li>
 * <li>the log stays readable: at most a handful of lines per second and none of the
 * "Result is already complete" stack traces vertx-sql-client's pool timer used to throw a pool
 * wait timeout (30 s) after every failed statement (eclipse-vertx/vertx-sql-client#1706), so the
 * log is watched until that long after the outage began.</li>
 * </ul>
 */
@QuarkusTest
@TestProfile(ProxiedStoreProfile.class)
class OutageUnderLoadTest {

    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    /** The pool's former default wait timeout, after which each stray timer fired. */
    private static final Duration WATCH_LOG_AFTER_CUT = Duration.ofSeconds(33);
    private static final int CHECK_INS_PER_SECOND = 50;
    private static final int QUEUES = 40;
    private static final int MAX_LOG_LINES_PER_SECOND = 5;

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Probes have a client of their own, like a kubelet: not queued behind the load's responses. */
    private final HttpClient prober = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final CapturedLog log = new CapturedLog();

    private record CheckIn(String queueId, String patientId, String key) {
    }

    private record Answer(CheckIn checkIn, int status, String retryAfter, String contentType, String body) {
    }

    private record Probe(long atMillis, int status, long latencyMicros) {
    }

    @BeforeEach
    void captureLog() {
        Logger.getLogger("").addHandler(log);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(log);
        ProxiedStoreProfile.proxy.restore();
    }

    @Test
    void anOutageUnderLoadGivesOnly503sReadinessInTimeAndABoundedLog() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        Queue<CompletableFuture<Answer>> answers = new ConcurrentLinkedQueue<>();
        Queue<Probe> probes = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        long start = System.currentTimeMillis();
        long[] sequence = {0};
        load.scheduleAtFixedRate(() -> {
            long n = sequence[0]++;
            answers.add(send(new CheckIn("load-" + run + "-" + (n % QUEUES), "L" + n, UUID.randomUUID().toString())));
        }, 0, 1000 / CHECK_INS_PER_SECOND, TimeUnit.MILLISECONDS);
        // readiness is probed once the JVM is warm (the first requests of a fresh JVM are slow, whatever they are)
        load.scheduleAtFixedRate(() -> probes.add(probe(start)), WARM_UP.toMillis(), 50, TimeUnit.MILLISECONDS);

        Thread.sleep(WARM_UP.toMillis() + 2_000);
        long cutAt = System.currentTimeMillis();
        stopPostgresql();
        Thread.sleep(OUTAGE.toMillis());
        ProxiedStoreProfile.proxy.restore();
        long restoredAt = System.currentTimeMillis();
        Thread.sleep(4_000);
        load.shutdown();
        assertTrue(load.awaitTermination(5, TimeUnit.SECONDS));

        List<Answer> results = new ArrayList<>();
        for (CompletableFuture<Answer> answer : answers) {
            results.add(answer.get(30, TimeUnit.SECONDS));
        }
        System.out.println("outage under load: answers " + summary(results) + ", readiness probes " + probes.size());
        assertOnly201sAnd503sWithRetryAfter(results);
        retryEvery503UntilStored(results);
        assertEveryCheckInStoredOnce(results, "load-" + run + "-");
        assertReadinessAnsweredInTime(new ArrayList<>(probes), cutAt - start, restoredAt - start);

        long watchUntil = cutAt + WATCH_LOG_AFTER_CUT.toMillis();
        Thread.sleep(Math.max(0, watchUntil - System.currentTimeMillis()));
        log.assertBounded(cutAt - 1_000, watchUntil, MAX_LOG_LINES_PER_SECOND);
    }

    /**
     * What the service sees of a PostgreSQL shutdown: every session of its pool is terminated
     * (FATAL 57P01 "terminating connection due to administrator command", in the middle of
     * statements too), then connections are dropped and refused until the restart.
     */
    private static void stopPostgresql() {
        int terminated = TestDb.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND application_name = 'vertx-pg-client'").size();
        ProxiedStoreProfile.proxy.cut();
        assertTrue(terminated > 0, "the service's sessions were terminated");
    }

    private CompletableFuture<Answer> send(CheckIn checkIn) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/waiting-rooms/" + checkIn.queueId() + "/check-ins"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", checkIn.key())
                .header(Tokens.AUTHORIZATION, Tokens.bearer(Roles.RECEPTIONIST))
                .POST(HttpRequest.BodyPublishers.ofString("{\"patientId\":\"" + checkIn.patientId()
                        + "\",\"patientName\":\"Ana\",\"priority\":\"Low\",\"consultationType\":\"General\"}"))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(checkIn, response.statusCode(),
                        response.headers().firstValue("Retry-After").orElse(null),
                        response.headers().firstValue("Content-Type").orElse(""), response.body()));
    }

    private Probe probe(long start) {
        long began = System.nanoTime();
        try {
            HttpResponse<String> response = prober.send(HttpRequest.newBuilder(ManagementInterface.uri("/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Probe(System.currentTimeMillis() - start, response.statusCode(),
                    (System.nanoTime() - began) / 1_000);
        } catch (Exception e) {
            return new Probe(System.currentTimeMillis() - start, -1, (System.nanoTime() - began) / 1_000);
        }
    }

    private static Map<String, Integer> summary(List<Answer> results) {
        Map<String, Integer> byOutcome = new TreeMap<>();
        for (Answer answer : results) {
            String code = answer.status() == 201 ? "" : " " + answer.body().replaceAll(".*\"code\":\"([A-Z_]+)\".*", "$1");
            byOutcome.merge(answer.status() + code, 1, Integer::sum);
        }
        return byOutcome;
    }

    private static void assertOnly201sAnd503sWithRetryAfter(List<Answer> results) {
        Map<Integer, Integer> byStatus = new TreeMap<>();
        results.forEach(answer -> byStatus.merge(answer.status(), 1, Integer::sum));
        assertTrue(byStatus.keySet().stream().allMatch(status -> status == 201 || status == 503),
                "only 201 and 503: " + byStatus);
        assertTrue(byStatus.getOrDefault(503, 0) > 0, "the outage was seen: " + byStatus);
        for (Answer answer : results) {
            if (answer.status() == 503) {
                assertEquals("1", answer.retryAfter(), answer.body());
                assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
                assertTrue(answer.body().contains("\"code\":\"STORE_UNAVAILABLE\"")
                        || answer.body().contains("\"code\":\"COMMIT_OUTCOME_UNKNOWN\""), answer.body());
            }
        }
    }

    private void retryEvery503UntilStored(List<Answer> results) throws Exception {
        for (int i = 0; i < results.size(); i++) {
            Answer answer = results.get(i);
            for (int attempt = 0; answer.status() == 503 && attempt < 20; attempt++) {
                Thread.sleep(attempt == 0 ? 0 : 200);
                answer = send(answer.checkIn()).get(20, TimeUnit.SECONDS);
            }
            assertEquals(201, answer.status(), answer.body());
            results.set(i, answer);
        }
    }

    private static void assertEveryCheckInStoredOnce(List<Answer> results, String queuePrefix) {
        Set<String> keys = new HashSet<>();
        results.forEach(answer -> keys.add(answer.checkIn().key()));
        assertEquals(results.size(), keys.size());
        Map<String, Long> stored = new HashMap<>();
        TestDb.rows("SELECT causation_id, count(*) AS n FROM events WHERE event_type = 'PatientCheckedIn'"
                        + " AND aggregate_id LIKE ? GROUP BY causation_id", queuePrefix + "%")
                .forEach(row -> stored.put((String) row.get("causation_id"), ((Number) row.get("n")).longValue()));
        for (String key : keys) {
            assertEquals(1L, stored.getOrDefault(key, 0L), "check-in " + key + " stored once");
        }
        assertEquals(keys.size(), stored.size(), "nothing stored that was not asked for");
    }

    private static void assertReadinessAnsweredInTime(List<Probe> probes, long cutAt, long restoredAt) {
        long[] latencies = probes.stream().mapToLong(Probe::latencyMicros).sorted().toArray();
        long p99 = latencies[(int) Math.ceil(latencies.length * 0.99) - 1];
        System.out.println("readiness: " + latencies.length + " probes, p99 " + p99 / 1000 + " ms, max "
                + latencies[latencies.length - 1] / 1000 + " ms");
        assertTrue(p99 < 200_000, "readiness p99 " + p99 / 1000 + " ms over " + latencies.length + " probes; slowest: "
                + probes.stream().filter(probe -> probe.latencyMicros() >= 100_000).toList());
        // probes are sequential: a slow answer also means fewer probes
        List<Probe> duringOutage = probes.stream()
                .filter(probe -> probe.atMillis() > cutAt + 3_000 && probe.atMillis() < restoredAt).toList();
        assertTrue(duringOutage.size() >= 100, "probes during the outage: " + duringOutage.size());
        assertTrue(duringOutage.stream().allMatch(probe -> probe.status() == 503),
                "DOWN during the outage: " + duringOutage);
        assertTrue(probes.stream().anyMatch(probe -> probe.atMillis() < cutAt && probe.status() == 200),
                "UP before the outage: " + probes);
        assertTrue(probes.stream().anyMatch(probe -> probe.atMillis() > restoredAt && probe.status() == 200),
                "UP again after the outage: " + probes);
    }

    /** Every log record of the service (same JVM), with the lines it prints (stack traces included). */
    private static final class CapturedLog extends Handler {

        private record Line(long atMillis, String level, String logger, String message, int lines) {
        }

        private final Queue<Line> records = new ConcurrentLinkedQueue<>();
        private final java.util.logging.Formatter formatter = new java.util.logging.SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            String message = formatter.formatMessage(record);
            int lines = 1;
            StringBuilder text = new StringBuilder(message);
            for (Throwable thrown = record.getThrown(); thrown != null; thrown = thrown.getCause()) {
                lines += 1 + thrown.getStackTrace().length;
                text.append(" | ").append(thrown);
            }
            records.add(new Line(record.getMillis(), record.getLevel().getName(), record.getLoggerName(),
                    text.toString(), lines));
        }

        void assertBounded(long from, long to, int maxLinesPerSecond) {
            List<Line> watched = records.stream().filter(line -> line.atMillis() >= from && line.atMillis() <= to)
                    .toList();
            String dump = watched.stream().limit(40)
                    .map(line -> line.atMillis() - from + " ms " + line.level() + " " + line.logger() + ": "
                            + line.message())
                    .reduce("", (a, b) -> a + "\n  " + b);
            if (watched.stream().anyMatch(line -> line.message().contains("Result is already complete"))) {
                fail("the pool's stray timers failed completed results again (vertx-sql-client#1706):" + dump);
            }
            Map<Long, Integer> perSecond = new TreeMap<>();
            watched.forEach(line -> perSecond.merge((line.atMillis() - from) / 1000, line.lines(), Integer::sum));
            int worst = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            System.out.println("log: " + watched.size() + " records, at most " + worst + " lines in a second");
            assertTrue(worst <= maxLinesPerSecond, "log lines per second " + perSecond + ", first records:" + dump);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
