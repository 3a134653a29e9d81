package com.waitingroom.ingest.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Function;

import com.github.loki4j.client.http.HttpConfig;
import com.github.loki4j.client.http.Loki4jHttpClient;
import com.github.loki4j.client.http.LokiResponse;
import com.github.loki4j.logback.HttpSender;
import com.github.loki4j.logback.JavaHttpSender;

/**
 * loki4j's sender with a bearer token: loki4j builds and encodes the batches (JSON, or protobuf +
 * snappy), this only posts its bytes with its content type plus {@code Authorization: Bearer}
 * (loki4j itself offers basic auth only).
 */
final class BearerLokiSender implements HttpSender {

    private final String authorization;

    BearerLokiSender(String authorization) {
        this.authorization = authorization;
    }

    @Override
    public HttpConfig.Builder getConfig() {
        return new JavaHttpSender().getConfig();
    }

    @Override
    public Function<HttpConfig, Loki4jHttpClient> getHttpClientFactory() {
        return config -> new Loki4jHttpClient() {
            private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

            @Override
            public HttpConfig getConfig() {
                return config;
            }

            @Override
            public LokiResponse send(ByteBuffer batch) throws Exception {
                byte[] body = new byte[batch.remaining()];
                batch.get(body);
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(config.pushUrl))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", config.contentType)
                        .header("Authorization", authorization)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                return new LokiResponse(response.statusCode(), response.body());
            }

            @Override
            public void close() {
                // java.net.http.HttpClient needs no closing on Java 17
            }
        };
    }
}
