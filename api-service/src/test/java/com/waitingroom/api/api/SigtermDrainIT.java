package com.waitingroom.api.api;

import com.waitingroom.testsupport.LocalInfra;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM under load against the packaged service running as its own process. The appends are held
 * back (a test transaction locks the events table) so that every steady client has a check-in running
 * when the signal arrives; late clients start sending after it and stop when the lock is released (a
 * load balancer has removed the instance by then), while the steady clients go on, honouring
 * Retry-After, until the listener is gone. Contract: every request sent while the listener was open
 * gets an answer, never a reset: the running check-ins their 201 once committed, new requests (reads
 * too) 503 SHUTTING_DOWN + Retry-After (problem+json, Connection: close); every 201 is stored exactly
 * once and a 503 stored nothing; readiness is DOWN while draining. A refused connection after the
 * listener closed is expected.
 */
class SigtermDrainIT {

    private static final int STEADY_CLIENTS = 16;
    private static final int LATE_CLIENTS = 4;

    private final String run = "sigterm-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void everyRequestSentBeforeTheListenerClosedIsAnswered() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the app first (mvn verify does)");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        File log = new File("target", "sigterm-drain-it.log");
        Process process = new ProcessBuilder(javaBinary(), "-Xmx256m", "-Dquarkus.profile=test",
                "-Dquarkus.http.port=" + port, "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log).start();
        HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        CheckInClients steady = new CheckInClients(base, run + "-s", STEADY_CLIENTS);
        CheckInClients late = new CheckInClients(base, run + "-l", LATE_CLIENTS);
        HttpResponse<String> readinessWhileDraining;
        HttpResponse<String> readWhileDraining;
        try {
            waitUntilReady(probe, base, process);
            steady.start();
            awaitTrue(Duration.ofSeconds(30), () -> steady.acknowledged.size() >= 20, "the service acknowledges check-ins");

            try (Connection blocker = LocalInfra.connect(TestDb.DATABASE)) {
                blocker.setAutoCommit(false);
                try (Statement lock = blocker.createStatement()) {
                    // SHARE conflicts with the appends' ROW EXCLUSIVE lock but not with reads (loads, readiness)
                    lock.execute("LOCK TABLE events IN SHARE MODE");
                }
                awaitTrue(Duration.ofSeconds(30), () -> steady.inFlight.get() == STEADY_CLIENTS && appendsWaiting() > 0,
                        "every steady client has a check-in waiting for its commit");

                process.destroy(); // SIGTERM
                steady.sigtermSent();
                late.sigtermSent();
                // late clients are new traffic: they start once the service has seen the signal (without the
                // gate that line never comes; the checks below then report what happened instead)
                waitUpTo(Duration.ofSeconds(3), () -> logContains(log, "Shutdown: taking no new requests"));
                late.start();
                // not an assertion: without the gate nobody gets a 503, which the checks below report
                waitUpTo(Duration.ofSeconds(2), () -> late.shuttingDown.get() >= LATE_CLIENTS || !process.isAlive());
                readinessWhileDraining = get(probe, base.resolve("/q/health/ready")).orElse(null);
                readWhileDraining = get(probe, base.resolve("/api/waiting-rooms/" + steady.queueOf(0, 0))).orElse(null);
                late.stopSending();
                blocker.commit(); // the waiting check-ins can be committed now
            }
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service exits after draining");
            assertTrue(steady.awaitEnd(Duration.ofSeconds(60)) && late.awaitEnd(Duration.ofSeconds(60)),
                    "every client got its last answer");
        } finally {
            steady.stopSending();
            late.stopSending();
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }

        String output = Files.readString(log.toPath());
        Map<String, Long> stored = storedCheckIns();
        System.out.printf("SIGTERM drain: %d check-ins acknowledged (%d after SIGTERM), 503 SHUTTING_DOWN %d (late clients %d),"
                        + " refused after close %d, without answer %d%n", steady.acknowledged.size() + late.acknowledged.size(),
                steady.createdAfterSigterm.get(), steady.shuttingDown.get() + late.shuttingDown.get(), late.shuttingDown.get(),
                steady.refused.get() + late.refused.get(), steady.failures.size() + late.failures.size());
        assertAll(
                () -> assertEquals(List.of(), steady.failures, "steady clients' requests without a proper answer; service log:\n"
                        + tail(output)),
                () -> assertEquals(List.of(), late.failures, "late clients' requests without a proper answer"),
                () -> assertEquals(0, late.createdAfterSigterm.get(), "check-ins sent after SIGTERM were taken"),
                () -> assertTrue(late.shuttingDown.get() >= LATE_CLIENTS,
                        "new check-ins after SIGTERM got " + late.shuttingDown.get() + " answers 503 SHUTTING_DOWN"),
                () -> assertTrue(steady.createdAfterSigterm.get() > 0,
                        "no check-in waiting for its commit at SIGTERM got its 201 afterwards"),
                () -> assertTrue(readinessWhileDraining != null && readinessWhileDraining.statusCode() == 503
                                && readinessWhileDraining.headers().firstValue("Connection").orElse("").equals("close"),
                        "readiness while draining (DOWN, connection closed): " + describe(readinessWhileDraining)),
                () -> assertTrue(readWhileDraining != null && CheckInClients.shuttingDownRetryAfter(readWhileDraining).isPresent(),
                        "a read while draining: " + describe(readWhileDraining)),
                () -> assertStoredOnceIfAcknowledged(steady, stored),
                () -> assertStoredOnceIfAcknowledged(late, stored),
                () -> assertTrue(output.contains("Shutdown: every request taken is answered"),
                        "drain log line missing:\n" + tail(output)));
    }

    /** Every 201 stored exactly once, every check-in answered only 503 (or never taken) not at all, nothing else. */
    private static void assertStoredOnceIfAcknowledged(CheckInClients clients, Map<String, Long> stored) {
        Set<String> notAcknowledged = new HashSet<>(clients.sent);
        notAcknowledged.removeAll(clients.acknowledged);
        notAcknowledged.removeAll(clients.unanswered);
        for (String key : clients.acknowledged) {
            assertEquals(1L, stored.getOrDefault(key, 0L), "acknowledged check-in " + key + " stored once");
        }
        for (String key : notAcknowledged) {
            assertEquals(0L, stored.getOrDefault(key, 0L), "check-in " + key + " answered 503 or never taken, yet stored");
        }
    }

    /** Check-ins of this run stored, by Idempotency-Key (the events' causation id). */
    private Map<String, Long> storedCheckIns() {
        Map<String, Long> stored = new HashMap<>();
        TestDb.rows("SELECT causation_id, count(*) AS n FROM events WHERE event_type = 'PatientCheckedIn'"
                        + " AND aggregate_id LIKE ? GROUP BY causation_id", run + "-%")
                .forEach(row -> stored.put((String) row.get("causation_id"), ((Number) row.get("n")).longValue()));
        return stored;
    }

    private static long appendsWaiting() {
        return TestDb.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'");
    }

    private static Optional<HttpResponse<String>> get(HttpClient http, URI uri) {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String describe(HttpResponse<String> response) {
        return response == null ? "no answer" : response.statusCode() + " " + response.headers().map() + " " + response.body();
    }

    private static void waitUpTo(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void awaitTrue(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static boolean logContains(File log, String text) {
        try {
            return Files.readString(log.toPath()).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static void waitUntilReady(HttpClient http, URI base, Process service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertTrue(service.isAlive(), "the service died during start-up, see target/sigterm-drain-it.log");
            try {
                int status = http.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
            } catch (ConnectException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the service did not become ready");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}
