package com.waitingroom.system;

import io.restassured.path.json.JsonPath;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member of staff's HTTP client with optimistic concurrency: every command carries the queue
 * version the client has just read (If-Match), so it is refused with 409 if another member of staff
 * changed the queue in between; the client then re-reads and sends it again. The server still
 * checks every rule against the current state; If-Match only keeps a command from silently landing
 * on a queue that moved on.
 * Each client acts with one bearer token (one member of staff, one role). Thread-safe.
 */
final class StaffClient {

    /** The answer to one command after its conflicts were retried. */
    record Answer(int status, JsonPath body) {
        String code() {
            return body == null ? null : body.getString("code");
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String apiBaseUrl;
    private final String queueId;
    private final String bearer;
    final AtomicInteger conflicts = new AtomicInteger();

    StaffClient(String apiBaseUrl, String queueId, String bearer) {
        this.apiBaseUrl = apiBaseUrl;
        this.queueId = queueId;
        this.bearer = bearer;
    }

    /** POST/PUT/DELETE under /api/waiting-rooms/{queueId}{path} with If-Match, retried on 409. */
    Answer command(String method, String path, String jsonBody) throws IOException, InterruptedException {
        for (int attempt = 1; attempt <= 200; attempt++) {
            long version = currentVersion();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiBaseUrl + "/api/waiting-rooms/" + queueId + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", bearer)
                    .header("If-Match", "\"" + version + "\"")
                    .header("Content-Type", "application/json")
                    .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(jsonBody));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 409) {
                conflicts.incrementAndGet();
                continue;
            }
            return new Answer(response.statusCode(), response.body().isEmpty() ? null : JsonPath.from(response.body()));
        }
        throw new IllegalStateException(method + " " + path + " kept conflicting");
    }

    /** Creates the queue (POST /api/waiting-rooms); 201 expected. */
    Answer createQueue(int maxCapacity) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(apiBaseUrl + "/api/waiting-rooms"))
                .header("Authorization", bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"queueId\":\"" + queueId + "\",\"maxCapacity\":"
                        + maxCapacity + "}")).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JsonPath.from(response.body()));
    }

    Answer post(String path, String jsonBody) throws IOException, InterruptedException {
        return command("POST", path, jsonBody);
    }

    /** The queue's version as the api says (its ETag), 0 before the queue exists. */
    long currentVersion() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create(apiBaseUrl + "/api/waiting-rooms/" + queueId)).header("Authorization", bearer).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return 0;
        }
        String etag = response.headers().firstValue("ETag").orElseThrow();
        return Long.parseLong(etag.replace("W/", "").replace("\"", ""));
    }

    /** GET of any absolute URL with a bearer token, parsed as JSON; fails on anything but 200. */
    static JsonPath getJson(String url, String bearer) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", bearer).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + url + " -> " + response.statusCode() + " " + response.body());
        }
        return JsonPath.from(response.body());
    }

    /** Status of a GET (e.g. 404 before the projection knows the queue). */
    static int status(String url, String bearer) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
