package com.waitingroom.system;

import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The waiting-room screen in a real browser (headless Chromium driven by puppeteer-core, see
 * system-tests/browser): staff commands go through api-service, outbox-worker and projection-worker,
 * and the page shows each call within a second; it keeps working by itself after projection-worker
 * is killed and restarted. Saves a screenshot (target/display-screenshot.png) that the README shows.
 */
class DisplayPageIT extends SuiteTest {

    private static final long WITHIN_MILLIS = 1000;

    @Test
    void commandsShowUpOnTheScreenWithinASecondAndItReconnectsByItself() throws Exception {
        String q = "SCREEN-" + UUID.randomUUID().toString().substring(0, 8);
        String ana = checkIn(q, "P-ANA", "Medium");
        String bruno = checkIn(q, "P-BRUNO", "Urgent");
        checkIn(q, "P-CARLA", "Low");
        String dario = checkIn(q, "P-DARIO", "High");
        awaitProjected(q, 5);

        Path browserDir = Path.of("browser").toAbsolutePath();
        assertTrue(Files.isDirectory(browserDir.resolve("node_modules/puppeteer-core")),
                "run `npm ci` in " + browserDir + " (deploy/local/run-tests.sh does)");
        Path screenshot = Path.of("target/display-screenshot.png").toAbsolutePath();
        String url = suite.projection.baseUrl() + "/display/" + q + "#token=" + suite.bearer("viewer").substring(7);
        Process browser = new ProcessBuilder("node", browserDir.resolve("display-check.mjs").toString(), url,
                screenshot.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(),
                StandardCharsets.UTF_8));
             Writer in = new OutputStreamWriter(browser.getOutputStream(), StandardCharsets.UTF_8)) {
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("READY"), "page shows the queue: " + ready);

            // Bruno (urgent) is first in line: the cashier desk calls him.
            long changed = expect(in, out, bruno, "main", () -> post(q, "/cashier/next", "cashier", Map.of()));
            System.out.printf("system test: the screen showed the cashier call %d ms after the command was sent%n",
                    changed);
            assertTrue(changed < WITHIN_MILLIS, "shown within a second, took " + changed + " ms");

            post(q, "/patients/P-BRUNO/payment", "cashier", Map.of("paymentReference", "PAY-1"));
            put(q, "/rooms/R-2/activation", "doctor");
            changed = expect(in, out, bruno, "R-2", () -> post(q, "/attention/next", "doctor", Map.of("roomId", "R-2")));
            assertTrue(changed < WITHIN_MILLIS, "room call shown within a second, took " + changed + " ms");
            changed = expect(in, out, dario, "main", () -> post(q, "/cashier/next", "cashier", Map.of()));
            assertTrue(changed < WITHIN_MILLIS, "second desk call within a second, took " + changed + " ms");
            command(in, "SHOT");
            assertEquals("SHOT " + screenshot, out.readLine());

            // projection-worker dies and comes back: the page reconnects and resumes on its own.
            suite.projection.kill();
            suite.projection.start();
            suite.projection.awaitReady(Suite.START_TIMEOUT);
            post(q, "/patients/P-DARIO/payment", "cashier", Map.of("paymentReference", "PAY-2"));
            String next = expect(in, out, ana, "main", 30_000, () -> post(q, "/cashier/next", "cashier", Map.of()));
            assertTrue(next.startsWith("CHANGED"), "the page reconnected by itself: " + next);
            command(in, "QUIT");
        } finally {
            if (!browser.waitFor(20, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
            }
        }
    }

    private long expect(Writer in, BufferedReader out, String ticket, String station, Runnable command)
            throws Exception {
        String answer = expect(in, out, ticket, station, 5000, command);
        assertTrue(answer.startsWith("CHANGED "), "the page shows " + ticket + " -> " + station + ": " + answer);
        return Long.parseLong(answer.substring("CHANGED ".length()));
    }

    private String expect(Writer in, BufferedReader out, String ticket, String station, long timeoutMillis,
                          Runnable command) throws Exception {
        command(in, "EXPECT " + ticket + " " + station + " " + timeoutMillis);
        Thread.sleep(100); // let the page start watching before the command is sent
        command.run();
        return out.readLine();
    }

    private static void command(Writer in, String line) throws Exception {
        in.write(line + "\n");
        in.flush();
    }

    private static String checkIn(String q, String patientId, String priority) {
        return given().header("Authorization", suite.bearer("receptionist")).contentType(ContentType.JSON)
                .body(Map.of("patientId", patientId, "patientName", "Patient " + patientId, "priority", priority,
                        "consultationType", "General"))
                .post(suite.api.baseUrl() + "/api/waiting-rooms/{q}/check-ins", q)
                .then().statusCode(201).extract().path("ticketNumber");
    }

    private static void post(String q, String path, String role, Map<String, String> body) {
        given().header("Authorization", suite.bearer(role)).contentType(ContentType.JSON).body(body)
                .post(suite.api.baseUrl() + "/api/waiting-rooms/" + q + path).then().statusCode(200);
    }

    private static void put(String q, String path, String role) {
        given().header("Authorization", suite.bearer(role)).put(suite.api.baseUrl() + "/api/waiting-rooms/" + q + path)
                .then().statusCode(200);
    }

    private static void awaitProjected(String q, long version) {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            var response = given().header("Authorization", suite.bearer("viewer"))
                    .get(suite.projection.baseUrl() + "/api/waiting-rooms/{q}/display", q);
            return response.statusCode() == 200 && response.jsonPath().getLong("version") >= version;
        });
    }
}
