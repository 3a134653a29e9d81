package com.waitingroom.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import com.waitingroom.testsupport.auth.LocalIssuer;
import com.waitingroom.testsupport.http.Http11Client;

/**
 * The module's packaged Quarkus app (test profile) running as its own process on a free port, its output
 * in a log file under {@code target/}: for tests of what only a real process does, such as draining on
 * SIGTERM. It is the artifact the module was last built as ({@link PackagedArtifact}): the JVM app after
 * {@code mvn verify}, the native executable after {@code mvn -Pnative verify}. {@link #close()} kills it
 * if still alive.
 */
public final class PackagedService implements AutoCloseable {

    private static final Duration START_UP = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final int managementPort;
    private final File log;

    private static int freePort() {
        return FreePorts.next();
    }

    private PackagedService(Process process, int port, int managementPort, File log) {
        this.managementPort = managementPort;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the app and waits until readiness is UP.
     *
     * @param maxHeap e.g. {@code "256m"}
     * @param logName file name under {@code target/}
     */
    public static PackagedService startReady(String maxHeap, String logName) throws IOException, InterruptedException {
        PackagedArtifact artifact = PackagedArtifact.lastBuilt(Path.of("."));
        int port = freePort();
        int managementPort = freePort();
        File log = new File("target", logName);
        List<String> options = new ArrayList<>(List.of("-Xmx" + maxHeap, "-Dquarkus.profile=test",
                "-Dquarkus.http.port=" + port, "-Dquarkus.management.port=" + managementPort));
        // Bearer tokens of this JVM's test issuer are valid for the service.
        LocalIssuer.shared().quarkusConfig().forEach((key, value) -> options.add("-D" + key + "=" + value));
        Process process = new ProcessBuilder(artifact.command(options)).redirectErrorStream(true).redirectOutput(log).start();
        PackagedService service = new PackagedService(process, port, managementPort, log);
        try {
            service.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            service.close();
            throw e;
        }
        return service;
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The management interface (health, metrics, OpenAPI; no token needed). */
    public int managementPort() {
        return managementPort;
    }

    public URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    /** Asks the process to shut down, as Kubernetes does before it kills a pod. */
    public void sigterm() {
        process.destroy();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The process output so far. */
    public String log() throws IOException {
        return Files.readString(log.toPath());
    }

    /** False too while the log cannot be read. */
    public boolean logContains(String text) {
        try {
            return log().contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** The last 4000 characters of a log, enough for a failure message. */
    public static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = Http11Client.create(Duration.ofSeconds(2));
        long deadline = System.nanoTime() + START_UP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the service died during start-up, see " + log);
            }
            try {
                int status = http.send(HttpRequest.newBuilder(managementUri("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
            } catch (ConnectException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the service did not become ready, see " + log);
    }
}
