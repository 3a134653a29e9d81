package com.waitingroom.testsupport.http;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * JDK HTTP clients for the services' plain-http ports, on HTTP/1.1 rather than the JDK default (an h2c
 * upgrade). The JDK client (17 and 25) fails on upgraded responses larger than HTTP/2's initial 64 KiB
 * window, such as the ~69 KB OpenAPI documents: "protocol error: Frame type(32) … exceeds MAX_FRAME_SIZE"
 * on 2–13 % of GETs here (a CI run failed on it). A byte-recording proxy put between them saw the server's
 * frames well formed every time while the failures went on through it. Browsers speak HTTP/1.1 there too.
 */
public final class Http11Client {

    private Http11Client() {
    }

    public static HttpClient create(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }
}
