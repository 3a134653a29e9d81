package com.waitingroom.system;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service started the way an operator starts it: `java -jar quarkus-run.jar` with
 * configuration in environment variables. Output goes to target/system-test-logs/NAME.log.
 */
final class ServiceProcess {

    private final String name;
    private final Path jar;
    private final Map<String, String> environment;
    private final int httpPort;
    private final int managementPort;
    private final Path logFile;
    private Process process;

    ServiceProcess(String name, Path suiteRoot, int httpPort, int managementPort, Map<String, String> environment) {
        this.name = name;
        this.jar = suiteRoot.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.environment = environment;
        this.logFile = suiteRoot.resolve("system-tests/target/system-test-logs").resolve(name + ".log");
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Health, metrics and OpenAPI: the management interface, no token needed. */
    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    void start() throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + name + " first (mvn package)");
        }
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of(
                javaExecutable(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("HTTP_PORT", Integer.toString(httpPort));
        builder.environment().put("MANAGEMENT_PORT", Integer.toString(managementPort));
        process = builder.start();
    }

    /** Waits until /q/health/ready answers 200, failing early if the process died. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log:\n" + logTail());
            }
            if (readinessStatus() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; log:\n" + logTail());
    }

    int readinessStatus() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(managementUrl() + "/q/health/ready")
                    .toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status;
        } catch (IOException notListeningYet) {
            return -1;
        }
    }

    /** SIGTERM, as Kubernetes does, then a hard kill if it does not exit in time. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** SIGKILL: the process gets no chance to finish anything (crash, OOM kill, node loss). */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
