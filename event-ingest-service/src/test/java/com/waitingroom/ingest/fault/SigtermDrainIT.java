package com.waitingroom.ingest.fault;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.testsupport.LocalInfra;

/**
 * SIGTERM under load against the packaged service running as its own process. The commits are
 * held back (a test transaction locks the events table) so that every steady client is waiting for
 * its commit when the signal arrives; late clients start sending after it and stop when the lock is
 * released (a load balancer has removed the instance by then), while the steady clients go on
 * sending, honouring Retry-After, until the listener is gone. Contract: every request sent while the
 * listener was open gets an answer, never a reset: the waiting ones 201 once committed, new ones 503
 * + Retry-After (problem+json); every acknowledged event is stored exactly once; readiness is DOWN
 * while draining. A refused connection after the listener closed is expected.
 */
class SigtermDrainIT {

    private static final int STEADY_CLIENTS = 24;
    private static final int LATE_CLIENTS = 4;

    private final String service = "sigterm-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void everyRequestSentBeforeTheListenerClosedIsAnswered() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the app first (mvn verify does)");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        File log = new File("target", "sigterm-drain-it.log");
        Process process = new ProcessBuilder(javaBinary(), "-Xmx512m", "-Dquarkus.profile=test",
                "-Dquarkus.http.port=" + port, "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log).start();
        HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        URI events = URI.create("http://127.0.0.1:" + port + "/events");
        ShutdownClients clients = new ShutdownClients(events, service, STEADY_CLIENTS);
        ShutdownClients late = new ShutdownClients(events, service + "-late", LATE_CLIENTS);
        List<Integer> readinessWhileDraining = new ArrayList<>();
        try {
            waitUntilReady(probe, port, process);
            clients.start();
            awaitTrue(Duration.ofSeconds(30), () -> clients.acknowledged.size() > 0, "the service acknowledges events under load");

            try (Connection blocker = LocalInfra.connect(TestDb.DATABASE)) {
                blocker.setAutoCommit(false);
                try (Statement lock = blocker.createStatement()) {
                    // SHARE conflicts with the inserts' ROW EXCLUSIVE lock (on every partition) but not with reads
                    lock.execute("LOCK TABLE ingest_events IN SHARE MODE");
                }
                awaitTrue(Duration.ofSeconds(30), () -> queueDepth(probe, port) > 0, "requests wait for their commit");

                process.destroy(); // SIGTERM
                clients.sigtermSent();
                late.sigtermSent();
                // late clients are new traffic: they start once the service has seen the signal (without
                // the drain that line never comes, the checks below then report what happened instead)
                waitUpTo(Duration.ofSeconds(10), () -> logContains(log, "Shutdown: taking no new events"));
                late.start();
                // not an assertion: without the drain nobody gets a 503, which the checks below report
                waitUpTo(Duration.ofSeconds(5), () -> late.shuttingDown.get() >= LATE_CLIENTS || !process.isAlive());
                readinessWhileDraining.add(status(probe, port, "/q/health/ready"));
                late.stopSending();
                blocker.commit(); // the waiting requests' events can be committed now
            }
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service exits after draining");
            assertTrue(clients.awaitEnd(Duration.ofSeconds(90)) && late.awaitEnd(Duration.ofSeconds(90)),
                    "every client got its last answer");
        } finally {
            clients.stopSending();
            late.stopSending();
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }

        String output = Files.readString(log.toPath());
        List<String> failures = new ArrayList<>(clients.failures);
        failures.addAll(late.failures);
        List<String> acknowledged = new ArrayList<>(clients.acknowledged);
        acknowledged.addAll(late.acknowledged);
        List<String> stored = TestDb.storedIds(acknowledged);
        System.out.printf("SIGTERM drain: %d events acknowledged, 201s after SIGTERM %d, 503 SHUTTING_DOWN %d (late clients %d),"
                + " refused after close %d, without answer %d%n", acknowledged.size(), clients.createdAfterSigterm.get(),
                clients.shuttingDown.get() + late.shuttingDown.get(), late.shuttingDown.get(),
                clients.refused.get() + late.refused.get(), failures.size());
        assertAll(
                () -> assertEquals(List.of(), failures, "requests without a proper answer; service log:\n" + tail(output)),
                () -> assertEquals(0, late.createdAfterSigterm.get(), "requests sent after SIGTERM were taken"),
                () -> assertTrue(late.shuttingDown.get() >= LATE_CLIENTS,
                        "new requests after SIGTERM got " + late.shuttingDown.get() + " answers 503 SHUTTING_DOWN"),
                () -> assertTrue(clients.createdAfterSigterm.get() > 0,
                        "no request waiting for its commit at SIGTERM got its 201 afterwards"),
                () -> assertEquals(List.of(503), readinessWhileDraining, "readiness while draining"),
                () -> assertEquals(acknowledged.size(), stored.size(),
                        "acknowledged " + acknowledged.size() + " events, stored " + stored.size()),
                () -> assertEquals(TestDb.countForService(service), TestDb.distinctIdsForService(service), "stored twice"),
                () -> assertEquals(TestDb.countForService(service + "-late"), TestDb.distinctIdsForService(service + "-late"),
                        "stored twice"),
                () -> assertTrue(output.contains("every accepted event is committed"), "drain log line missing:\n" + tail(output)));
    }

    private static void waitUpTo(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
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

    private static long queueDepth(HttpClient http, int port) {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("ingest_queue_depth"))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst().orElse(0);
        } catch (Exception e) {
            return 0;
        }
    }

    private static int status(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
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

    private static void waitUntilReady(HttpClient http, int port, Process service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertTrue(service.isAlive(), "the service died during start-up, see target/sigterm-drain-it.log");
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
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
