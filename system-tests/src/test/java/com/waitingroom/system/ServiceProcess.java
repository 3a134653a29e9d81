package com.waitingroom.system;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.waitingroom.testsupport.PackagedArtifact;

/**
 * One packaged service started the way an operator starts it, with configuration in environment
 * variables: `java -jar quarkus-run.jar`, or its native executable when the suite runs with
 * {@code -Dsuite.launch=native} (mvn -Pnative). Output goes to target/system-test-logs/NAME.log.
 */
final class ServiceProcess {

    private final String name;
    private final Path moduleDir;
    private final Map<String, String> environment;
    private final int httpPort;
    private final int managementPort;
    private final Path logFile;
    private Process process;

    ServiceProcess(String name, Path suiteRoot, int httpPort, int managementPort, Map<String, String> environment) {
        this.name = name;
        this.moduleDir = suiteRoot.resolve(name);
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.environment = environment;
        this.logFile = suiteRoot.resolve("system-tests/target/system-test-logs").resolve(name + ".log");
    }

    String name() {
        return name;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Health, metrics and OpenAPI: the management interface, no token needed. */
    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    void start() throws IOException {
        PackagedArtifact artifact = artifact();
        Files.createDirectories(logFile.getParent());
        Files.writeString(logFile, "=== " + artifact.kind() + " " + artifact.path() + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        List<String> options = artifact.kind() == PackagedArtifact.Kind.NATIVE
                ? List.of("-Xmx256m")
                : List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");
        ProcessBuilder builder = new ProcessBuilder(artifact.command(options))
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

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Every line of the service's log file (this run's and earlier ones': filter by something unique). */
    List<String> logLines() {
        try {
            return Files.readAllLines(logFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + logFile, e);
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

    /** -Dsuite.launch=native: the native executables must have been built (mvn -Pnative verify per service). */
    private PackagedArtifact artifact() {
        if (nativeLaunch()) {
            PackagedArtifact built = PackagedArtifact.lastBuilt(moduleDir);
            if (built.kind() != PackagedArtifact.Kind.NATIVE) {
                throw new IllegalStateException(name + " was last built as a JVM app: build its native executable"
                        + " first (mvn -Pnative verify -f " + name + "/pom.xml)");
            }
            return built;
        }
        return PackagedArtifact.jar(moduleDir);
    }

    static boolean nativeLaunch() {
        return "native".equals(System.getProperty("suite.launch", "jar"));
    }
}
