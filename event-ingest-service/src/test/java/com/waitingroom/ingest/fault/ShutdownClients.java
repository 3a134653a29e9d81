package com.waitingroom.ingest.fault;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.waitingroom.testsupport.SigtermLoad;
import com.waitingroom.testsupport.http.Http11Client;

/**
 * Producers POSTing batches over HTTP/1.1 keep-alive until told to stop or until the listener is
 * gone, the way a log shipper does: a 503 is retried after its Retry-After. Tallies every outcome;
 * a request that got no answer at all (reset, closed connection) is a failure, a connection refused
 * once the listener has closed is not (the request was never taken).
 */
final class ShutdownClients extends SigtermLoad {

    private static final int EVENTS_PER_REQUEST = 20;

    private final HttpClient http = Http11Client.create(Duration.ofSeconds(5));
    private final URI uri;
    private final String service;
    private final AtomicLong sequence = new AtomicLong();
    private final String authorization;

    /** @param authorization the Authorization header value of a log-writer token */
    ShutdownClients(URI uri, String service, int clients, String authorization) {
        super(clients);
        this.authorization = authorization;
        this.uri = uri;
        this.service = service;
    }

    @Override
    protected void send(int client) {
        while (!stopped()) {
            List<String> ids = new ArrayList<>(EVENTS_PER_REQUEST);
            String body = LoadBatches.jsonBatch(service, sequence, EVENTS_PER_REQUEST, "drain me", ids);
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json").header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (refused(e)) {
                    refused.incrementAndGet();
                    return; // the listener is closed
                }
                failures.add("no answer: " + e + sinceSigterm());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!tally(response, ids)) {
                return;
            }
        }
    }

    /** @return false when interrupted while honouring a Retry-After */
    private boolean tally(HttpResponse<String> response, List<String> ids) {
        int status = response.statusCode();
        if (status == 201) {
            acknowledged.addAll(ids);
            countIfAfterSigterm();
            return true;
        }
        Optional<String> retryAfter = response.headers().firstValue("Retry-After");
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (status != 503 || retryAfter.isEmpty() || !retryAfter.get().matches("[1-9][0-9]*")
                || !contentType.startsWith("application/problem+json")) {
            failures.add(status + " Retry-After=" + retryAfter.orElse("none") + " " + contentType + " " + response.body()
                    + sinceSigterm());
            return true;
        }
        if (response.body().contains("\"code\":\"SHUTTING_DOWN\"")) {
            shuttingDown.incrementAndGet();
        }
        try {
            Thread.sleep(TimeUnit.SECONDS.toMillis(Long.parseLong(retryAfter.get())));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
