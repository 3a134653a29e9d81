package com.waitingroom.api.api;

import com.waitingroom.testsupport.FreePorts;
import com.waitingroom.testsupport.PackagedService;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fail closed: the packaged service, started as in production (prod profile) but without AUTH_ISSUER
 * and AUTH_JWKS_URL, does not start, and says which variables to set.
 */
class IssuerRequiredIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final long EXIT_WITHIN_SECONDS = 30;

    @Test
    void withoutAnIssuerTheServiceRefusesToStartAndNamesWhatIsMissing() throws Exception {
        assertTrue(Files.exists(JAR), "package the app first (mvn verify does)");
        File log = new File("target", "issuer-required-it.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-Dquarkus.http.port=" + FreePorts.next(), "-Dquarkus.management.port=" + FreePorts.next(),
                // not the suite's database, and no migration: the refusal must not depend on them
                "-Dquarkus.flyway.migrate-at-start=false",
                "-jar", JAR.toString()))
                .redirectErrorStream(true).redirectOutput(log);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AUTH_") || name.startsWith("MP_JWT") || name.startsWith("QUARKUS_"));
        env.put("PG_DB", TestDb.DATABASE);
        env.put("LOG_JSON", "false");
        Process process = builder.start();
        try {
            boolean exited = process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS);
            String output = Files.readString(log.toPath());
            assertTrue(exited, "still running " + EXIT_WITHIN_SECONDS + " s after its start:\n" + PackagedService.tail(output));
            assertNotEquals(0, process.exitValue(), "exit status; output:\n" + PackagedService.tail(output));
            assertTrue(output.contains("Access control is not configured, so this service does not start")
                    && output.contains("AUTH_ISSUER (the token issuer") && output.contains("AUTH_JWKS_URL"),
                    "the refusal names what to set:\n" + PackagedService.tail(output));
        } finally {
            process.destroyForcibly();
        }
    }

}
