package com.waitingroom.system;

import com.waitingroom.testsupport.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real identity provider for system tests: Keycloak's server distribution (unpacked by the module's
 * build into target/keycloak/keycloak-VERSION, system property {@code keycloak.home}) started as a local
 * process in dev mode on a free port, with an in-memory database.
 *
 * <p>The realm {@value #REALM} is generated at start into the distribution's data/import directory (and
 * deleted once Keycloak has imported it): one realm role per waiting-room role, and per role one
 * confidential client {@code waiting-room-ROLE} whose service account holds that role only, with a random
 * secret chosen here, so {@link #token(String)} gets a token through the client-credentials grant.
 * Nothing secret is committed or kept.
 *
 * <p>Start it once per test class ({@code @BeforeAll start()}, {@code @AfterAll close()}); one instance
 * per distribution at a time (the import directory and the dev-mode build are the distribution's).
 * Keycloak needs Java 21+: env {@code KEYCLOAK_JAVA_HOME}, else the newest JDK 21+ under /usr/lib/jvm.
 * Output goes to target/system-test-logs/keycloak.log.
 */
final class KeycloakServer implements AutoCloseable {

    static final String REALM = "waiting-room";
    static final String AUDIENCE = "waiting-room";
    static final String ROLES_CLAIM = "realm_access/roles";
    static final List<String> ROLES =
            List.of("receptionist", "cashier", "doctor", "viewer", "admin", "log-writer", "log-reader");
    static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private static final String CLIENT_PREFIX = "waiting-room-";
    private static final int MINIMUM_JAVA = 21;
    private static final Path JVM_DIR = Path.of("/usr/lib/jvm");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path home;
    private final Path javaHome;
    private final Path logFile;
    private final int port;
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Duration timeToReady;

    private KeycloakServer(Path home, Path javaHome, Path logFile, int port) {
        this.home = home;
        this.javaHome = javaHome;
        this.logFile = logFile;
        this.port = port;
        for (String role : ROLES) {
            secrets.put(role, randomSecret());
        }
    }

    /** Starts Keycloak with a freshly generated realm and waits until the realm answers. */
    static KeycloakServer start() throws IOException, InterruptedException {
        Path root = suiteRoot();
        KeycloakServer server = new KeycloakServer(keycloakHome(root), javaHome(),
                root.resolve("system-tests/target/system-test-logs/keycloak.log"), FreePorts.next());
        try {
            server.launch();
            return server;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /** The issuer (iss) of the realm's tokens, pinned to 127.0.0.1 whatever host a client uses. */
    String issuer() {
        return baseUrl() + "/realms/" + REALM;
    }

    String jwksUrl() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    String tokenEndpoint() {
        return issuer() + "/protocol/openid-connect/token";
    }

    /** How long the last start took, from launching kc.sh to the realm's discovery document answering. */
    Duration timeToReady() {
        return timeToReady;
    }

    static String clientId(String role) {
        return CLIENT_PREFIX + role;
    }

    /** A fresh access token (default lifetime 5 minutes) for the client whose service account holds {@code role}. */
    String token(String role) throws IOException, InterruptedException {
        HttpResponse<String> response = tokenRequest(clientId(role), secret(role));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused a token for role " + role + ": "
                    + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    String bearer(String role) throws IOException, InterruptedException {
        return "Bearer " + token(role);
    }

    /** A raw client-credentials token request (credentials in the form body), whatever the answer. */
    HttpResponse<String> tokenRequest(String clientId, String clientSecret) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + encode(clientId)
                + "&client_secret=" + encode(clientSecret);
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenEndpoint()))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The AUTH_* environment a packaged service needs to accept this realm's tokens. */
    Map<String, String> serviceEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUTH_ISSUER", issuer());
        env.put("AUTH_JWKS_URL", jwksUrl());
        env.put("AUTH_AUDIENCE", AUDIENCE);
        env.put("AUTH_ROLES_CLAIM", ROLES_CLAIM);
        return env;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM to kc.sh (it forwards it to the JVM), then a hard kill of whatever is left of the tree. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            System.out.println("Keycloak did not stop within 30 s of SIGTERM; killing it");
        }
        for (ProcessHandle handle : tree) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
                handle.onExit().join();
            }
        }
        process = null;
        deleteImportFile();
    }

    private void launch() throws IOException, InterruptedException {
        Path kcSh = home.resolve("bin/kc.sh");
        if (!Files.isExecutable(kcSh)) {
            throw new IllegalStateException(kcSh + " is missing or not executable: the build unpacks Keycloak "
                    + "in pre-integration-test (mvn -pl system-tests verify)");
        }
        writeRealm();
        Files.createDirectories(logFile.getParent());
        List<String> command = List.of(kcSh.toString(), "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--http-management-port=" + FreePorts.next(),
                "--hostname=" + baseUrl(),
                "--db=dev-mem",
                "--import-realm");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", javaHome.toString());
        env.remove("JAVA");
        env.remove("JAVA_OPTS");
        // C1 only: the dev-mode build of a fresh distribution plus start took 37 s instead of 68 s here (2 cores).
        // Keycloak 26.4's jboss-threads resets thread locals through java.lang internals; on Java 24+ it
        // needs the add-opens or it throws IllegalAccessError when threads end (seen at shutdown on Java 25).
        // Netty still uses sun.misc.Unsafe memory access, which Java 24+ warns about unless allowed.
        String javaOptions = "-XX:TieredStopAtLevel=1 --add-opens=java.base/java.lang=ALL-UNNAMED";
        if (javaVersion(javaHome).orElse(MINIMUM_JAVA) >= 24) {
            javaOptions += " --sun-misc-unsafe-memory-access=allow";
        }
        env.put("JAVA_OPTS_APPEND", javaOptions);
        // A master-realm admin is not needed (the realm is imported), but without one Keycloak nags; random.
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin-" + randomSecret().substring(0, 8));
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", randomSecret());
        Files.writeString(logFile, "\n=== " + Instant.now() + " " + String.join(" ", command)
                + " (JAVA_HOME=" + javaHome + ")\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long started = System.nanoTime();
        process = builder.start();
        awaitReady(started);
        timeToReady = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("Keycloak %s ready in %d ms on %s (Java %s)%n", home.getFileName(),
                timeToReady.toMillis(), baseUrl(), javaHome.getFileName());
        deleteImportFile();
    }

    private void awaitReady(long startedNanos) throws InterruptedException {
        long deadline = startedNanos + START_TIMEOUT.toNanos();
        HttpRequest discovery = HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; log "
                        + logFile + ":\n" + logTail());
            }
            try {
                if (http.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Keycloak not ready within " + START_TIMEOUT + "; log " + logFile
                + ":\n" + logTail());
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    private String secret(String role) {
        String secret = secrets.get(role);
        if (secret == null) {
            throw new IllegalArgumentException("no client for role " + role + "; roles: " + ROLES);
        }
        return secret;
    }

    private Path importFile() {
        return home.resolve("data/import/" + REALM + "-realm.json");
    }

    private void writeRealm() throws IOException {
        Path importDir = importFile().getParent();
        Files.createDirectories(importDir);
        try (Stream<Path> stale = Files.list(importDir)) {
            for (Path file : stale.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.write(importFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(realm()));
    }

    private void deleteImportFile() {
        try {
            Files.deleteIfExists(importFile());
        } catch (IOException e) {
            System.out.println("could not delete " + importFile() + ": " + e.getMessage());
        }
    }

    /**
     * The realm: roles, a confidential service-account client per role (client-credentials grant only)
     * with an audience mapper adding {@value #AUDIENCE} to its access tokens, and the service account user
     * holding the role. Clients do not have the full scope: their tokens carry their own role only (not the
     * realm's default roles), and no audience other than {@value #AUDIENCE}.
     */
    private ObjectNode realm() {
        ObjectNode realm = JSON.createObjectNode();
        realm.put("realm", REALM);
        realm.put("enabled", true);
        ArrayNode realmRoles = realm.putObject("roles").putArray("realm");
        ArrayNode clients = realm.putArray("clients");
        ArrayNode users = realm.putArray("users");
        ArrayNode scopeMappings = realm.putArray("scopeMappings");
        for (String role : ROLES) {
            String clientId = clientId(role);
            realmRoles.addObject().put("name", role).put("description", "waiting-room role " + role);

            ObjectNode client = clients.addObject();
            client.put("clientId", clientId);
            client.put("name", "waiting-room service account with role " + role);
            client.put("enabled", true);
            client.put("protocol", "openid-connect");
            client.put("publicClient", false);
            client.put("clientAuthenticatorType", "client-secret");
            client.put("secret", secrets.get(role));
            client.put("serviceAccountsEnabled", true);
            client.put("standardFlowEnabled", false);
            client.put("implicitFlowEnabled", false);
            client.put("directAccessGrantsEnabled", false);
            client.put("fullScopeAllowed", false);
            ObjectNode audience = client.putArray("protocolMappers").addObject();
            audience.put("name", "audience " + AUDIENCE);
            audience.put("protocol", "openid-connect");
            audience.put("protocolMapper", "oidc-audience-mapper");
            audience.put("consentRequired", false);
            ObjectNode config = audience.putObject("config");
            config.put("included.custom.audience", AUDIENCE);
            config.put("access.token.claim", "true");
            config.put("id.token.claim", "false");
            config.put("introspection.token.claim", "true");

            ObjectNode user = users.addObject();
            user.put("username", "service-account-" + clientId);
            user.put("enabled", true);
            user.put("serviceAccountClientId", clientId);
            user.putArray("realmRoles").add(role);

            ObjectNode mapping = scopeMappings.addObject();
            mapping.put("client", clientId);
            mapping.putArray("roles").add(role);
        }
        return realm;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }


    private static Path suiteRoot() {
        String root = System.getProperty("suite.root");
        return root == null ? Path.of("..").toAbsolutePath().normalize() : Path.of(root);
    }

    /** System property keycloak.home (set by the pom), else the one distribution under target/keycloak. */
    private static Path keycloakHome(Path root) throws IOException {
        String configured = System.getProperty("keycloak.home");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path unpacked = root.resolve("system-tests/target/keycloak");
        if (Files.isDirectory(unpacked)) {
            try (Stream<Path> dirs = Files.list(unpacked)) {
                List<Path> candidates = dirs.filter(dir -> Files.exists(dir.resolve("bin/kc.sh"))).toList();
                if (candidates.size() == 1) {
                    return candidates.get(0);
                }
            }
        }
        throw new IllegalStateException("Keycloak distribution not found: set -Dkeycloak.home or unpack it with "
                + "mvn -pl system-tests pre-integration-test (into " + unpacked + ")");
    }

    /** KEYCLOAK_JAVA_HOME, else the newest JDK with Java 21 or later under /usr/lib/jvm. */
    private static Path javaHome() throws IOException {
        String configured = System.getenv("KEYCLOAK_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured);
            int version = javaVersion(home).orElseThrow(() -> new IllegalStateException(
                    "KEYCLOAK_JAVA_HOME=" + configured + " is not a JDK (no bin/java and release file)"));
            if (version < MINIMUM_JAVA) {
                throw new IllegalStateException("KEYCLOAK_JAVA_HOME=" + configured + " is Java " + version
                        + "; Keycloak needs Java " + MINIMUM_JAVA + " or later");
            }
            return home;
        }
        if (Files.isDirectory(JVM_DIR)) {
            try (Stream<Path> dirs = Files.list(JVM_DIR)) {
                Optional<Path> newest = dirs
                        .filter(dir -> javaVersion(dir).orElse(0) >= MINIMUM_JAVA)
                        .max(Comparator.comparingInt((Path dir) -> javaVersion(dir).orElse(0))
                                .thenComparing(Path::toString));
                if (newest.isPresent()) {
                    return newest.get();
                }
            }
        }
        throw new IllegalStateException("Keycloak needs Java " + MINIMUM_JAVA + " or later and none was found: "
                + "set KEYCLOAK_JAVA_HOME to a JDK " + MINIMUM_JAVA + "+ (looked under " + JVM_DIR + ")");
    }

    /** The feature version from the JDK's release file (JAVA_VERSION="25.0.3" → 25), if it is a JDK. */
    private static Optional<Integer> javaVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin/java")) || !Files.isRegularFile(release)) {
            return Optional.empty();
        }
        try (var reader = Files.newBufferedReader(release)) {
            Properties properties = new Properties();
            properties.load(reader);
            String version = properties.getProperty("JAVA_VERSION", "").replace("\"", "");
            String feature = version.startsWith("1.") ? version.substring(2) : version;
            int end = 0;
            while (end < feature.length() && Character.isDigit(feature.charAt(end))) {
                end++;
            }
            return end == 0 ? Optional.empty() : Optional.of(Integer.parseInt(feature.substring(0, end)));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Decodes the JSON payload of a JWT (no signature check: for assertions on claims). */
    static JsonNode claims(String jwt) throws IOException {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWS compact serialization: " + parts.length + " parts");
        }
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }
}
