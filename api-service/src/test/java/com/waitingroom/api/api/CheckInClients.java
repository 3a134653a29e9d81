package com.waitingroom.api.api;

import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.SigtermLoad;
import com.waitingroom.testsupport.http.Http11Client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reception desks checking patients in back to back over HTTP/1.1 keep-alive, each check-in with its
 * own Idempotency-Key, until told to stop or until the listener is gone: a 503 is retried with the same
 * key after its Retry-After. Tallies every outcome; a request that got no answer at all (reset, closed
 * connection) is a failure, so is any answer but 201 or a proper 503 SHUTTING_DOWN (problem+json,
 * Retry-After, Connection: close); a connection refused once the listener has closed is not (the
 * request was never taken).
 */
final class CheckInClients extends SigtermLoad {

    /** Well below a queue's default capacity (100): every check-in can be accepted. */
    private static final int CHECK_INS_PER_QUEUE = 50;

    private final HttpClient http = Http11Client.create(Duration.ofSeconds(5));
    private final URI base;
    private final String prefix;

    /** Idempotency keys sent at least once. */
    final Set<String> sent = ConcurrentHashMap.newKeySet();
    /** Keys whose request got no answer: their outcome is unknown. */
    final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    final AtomicInteger inFlight = new AtomicInteger();

    /** @param prefix of every queue id and key, so the database can be asked about exactly these */
    CheckInClients(URI base, String prefix, int clients) {
        super(clients);
        this.base = base;
        this.prefix = prefix;
    }

    String queueOf(int client, int n) {
        return prefix + "-c" + client + "-" + (n / CHECK_INS_PER_QUEUE);
    }

    @Override
    protected void send(int client) {
        for (int n = 0; !stopped(); n++) {
            String body = "{\"patientId\":\"C" + client + "-N" + n
                    + "\",\"patientName\":\"Ana\",\"priority\":\"Low\",\"consultationType\":\"General\"}";
            String key = prefix + "-" + client + "-" + n;
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/waiting-rooms/" + queueOf(client, n) + "/check-ins"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .header(Tokens.AUTHORIZATION, Tokens.bearer(Roles.RECEPTIONIST))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            if (!checkIn(request, key)) {
                return;
            }
        }
    }

    /** @return false once this client is done: the listener is gone, it was told to stop, or interrupted */
    private boolean checkIn(HttpRequest request, String key) {
        while (true) {
            sent.add(key);
            HttpResponse<String> response;
            inFlight.incrementAndGet();
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (refused(e)) {
                    refused.incrementAndGet();
                    return false;
                }
                unanswered.add(key);
                failures.add("no answer: " + e + sinceSigterm());
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                inFlight.decrementAndGet();
            }
            if (response.statusCode() == 201) {
                acknowledged.add(key);
                countIfAfterSigterm();
                return true;
            }
            Optional<String> retryAfter = shuttingDownRetryAfter(response);
            if (retryAfter.isEmpty()) {
                failures.add(response.statusCode() + " " + response.headers().map() + " " + response.body() + sinceSigterm());
                return true;
            }
            shuttingDown.incrementAndGet();
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(Long.parseLong(retryAfter.get())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (stopped()) {
                return false; // given up: a 503 recorded nothing
            }
        }
    }

    /** @return the Retry-After of a proper 503 SHUTTING_DOWN answer, empty for any other answer */
    static Optional<String> shuttingDownRetryAfter(HttpResponse<String> response) {
        Optional<String> retryAfter = response.headers().firstValue("Retry-After").filter(value -> value.matches("[1-9][0-9]*"));
        boolean proper = response.statusCode() == 503
                && response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                && response.body().contains("\"code\":\"SHUTTING_DOWN\"")
                && response.headers().firstValue("Connection").orElse("").equalsIgnoreCase("close");
        return proper ? retryAfter : Optional.empty();
    }
}
