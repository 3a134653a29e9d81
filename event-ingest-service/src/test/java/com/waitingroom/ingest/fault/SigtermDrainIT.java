package com.waitingroom.ingest.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;

/**
 * SIGTERM under load against the packaged service running as its own process: every event the
 * service acknowledged (201) before it exited must be in PostgreSQL afterwards.
 */
class SigtermDrainIT {

    private static final int CLIENTS = 16;
    private static final int EVENTS_PER_REQUEST = 20;

    private final String service = "sigterm-" + UUID.randomUUID().toString().substring(0, 8);
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();

    @Test
    void everyAcknowledgedEventSurvivesSigtermUnderLoad() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the app first (mvn verify does)");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        File log = new File("target", "sigterm-drain-it.log");
        Process service = new ProcessBuilder(javaBinary(), "-Xmx512m", "-Dquarkus.profile=test",
                "-Dquarkus.http.port=" + port, "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            waitUntilReady(http, port, service);

            URI uri = URI.create("http://127.0.0.1:" + port + "/events");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong sequence = new AtomicLong();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    while (running.get()) {
                        if (!send(http, uri, sequence)) {
                            return null; // the server is gone
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(3_000);
            int beforeSigterm = acknowledged.size();
            assertTrue(beforeSigterm > 0, "the service acknowledged events under load");

            service.destroy(); // SIGTERM
            assertTrue(service.waitFor(60, TimeUnit.SECONDS), "the service exits after draining");
            running.set(false);
            clients.shutdown();
            assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));

            String output = Files.readString(log.toPath());
            assertTrue(output.contains("every accepted event is committed"), "drain log line missing:\n" + tail(output));
            List<String> stored = TestDb.storedIds(new ArrayList<>(acknowledged));
            assertEquals(acknowledged.size(), stored.size(),
                    "acknowledged " + acknowledged.size() + " events, stored " + stored.size());
            assertEquals(TestDb.countForService(this.service), TestDb.distinctIdsForService(this.service));
        } finally {
            if (service.isAlive()) {
                service.destroyForcibly();
            }
        }
    }

    /** @return false once the server no longer accepts connections */
    private boolean send(HttpClient http, URI uri, AtomicLong sequence) {
        List<String> ids = new ArrayList<>(EVENTS_PER_REQUEST);
        String body = LoadBatches.jsonBatch(service, sequence, EVENTS_PER_REQUEST, "drain me", ids);
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 201) {
                acknowledged.addAll(ids);
            } else {
                refused.incrementAndGet();
            }
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (Exception e) {
            // connection reset while stopping: not acknowledged, so nothing to check
            return true;
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
