package com.waitingroom.testsupport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What every service's public port must do the same way (service-http): one problem+json shape with one
 * {@code type} base for its own refusals and the framework's (401, 404, 405, 406, 413, 414, 415), and one
 * correlation-id rule (a safe id is echoed in the header and the body; an unsafe one is replaced).
 * Each service runs it against itself, in-process and packaged (JVM or native).
 */
public final class HttpLayerContract {

    public static final String TYPE_BASE = "https://waiting-room.example/problems/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RawHttp http;
    private final String host;
    private final String bearer;

    /** @param bearer an {@code Authorization} value whose roles reach every path used (admin) */
    public HttpLayerContract(String host, int port, String bearer) {
        this.http = new RawHttp(host, port);
        this.host = host + ":" + port;
        this.bearer = bearer;
    }

    /**
     * @param getPath a JSON resource that answers GET
     * @param postPath a resource that takes a JSON body by POST, or null when the service has none (no 415 then)
     * @param negotiates whether the service refuses an Accept it cannot serve (406); plain routes answer JSON anyway
     */
    public void verify(String getPath, String postPath, boolean negotiates) throws IOException {
        unknownPathIsA404Problem();
        missingTokenIsA401ProblemWithTheCorrelationId(getPath);
        wrongMethodIsA405Problem(getPath);
        if (negotiates) {
            unacceptableAcceptIsA406Problem(getPath);
        }
        if (postPath != null) {
            wrongContentTypeIsA415Problem(postPath);
        }
        longUriIsA414Problem(getPath);
        // refused by its declared length before any route runs, so any path will do
        declaredOversizeBodyIsA413Problem(postPath != null ? postPath : getPath);
        unsafeCorrelationIdIsReplacedAndEchoed();
    }

    void unknownPathIsA404Problem() throws IOException {
        assertProblem(get("/no-such-resource/here", "contract-404", ""), 404, "NOT_FOUND", "contract-404");
    }

    void missingTokenIsA401ProblemWithTheCorrelationId(String path) throws IOException {
        RawHttp.Response response = http.exchange("GET " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nX-Correlation-Id: contract-401\r\nConnection: close\r\n", null);
        assertProblem(response, 401, "AUTHENTICATION_REQUIRED", "contract-401");
        assertNotNull(response.header("WWW-Authenticate"), "401 without a challenge");
    }

    void wrongMethodIsA405Problem(String path) throws IOException {
        RawHttp.Response response = http.exchange("DELETE " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nAuthorization: " + bearer + "\r\nX-Correlation-Id: contract-405\r\nConnection: close\r\n", null);
        assertProblem(response, 405, "METHOD_NOT_ALLOWED", "contract-405");
    }

    void unacceptableAcceptIsA406Problem(String path) throws IOException {
        assertProblem(get(path, "contract-406", "Accept: text/csv\r\n"), 406, "NOT_ACCEPTABLE", "contract-406");
    }

    void wrongContentTypeIsA415Problem(String path) throws IOException {
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response response = http.exchange("POST " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nAuthorization: " + bearer + "\r\nX-Correlation-Id: contract-415\r\nContent-Type: text/csv"
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n", body);
        assertProblem(response, 415, "UNSUPPORTED_MEDIA_TYPE", "contract-415");
    }

    void longUriIsA414Problem(String path) throws IOException {
        char[] filler = new char[9_000];
        Arrays.fill(filler, 'a');
        String target = path + (path.contains("?") ? "&" : "?") + "x=" + new String(filler);
        assertProblem(get(target, "contract-414", ""), 414, "URI_TOO_LONG", "contract-414");
    }

    void declaredOversizeBodyIsA413Problem(String path) throws IOException {
        RawHttp.Response response = http.exchange("POST " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nAuthorization: " + bearer + "\r\nX-Correlation-Id: contract-413\r\nContent-Type: application/json"
                + "\r\nContent-Length: 2000000000\r\n", "{\"a\":".getBytes(StandardCharsets.UTF_8));
        assertProblem(response, 413, "PAYLOAD_TOO_LARGE", "contract-413");
    }

    void unsafeCorrelationIdIsReplacedAndEchoed() throws IOException {
        RawHttp.Response response = get("/no-such-resource", "bad id <with> spaces", "");
        String used = response.header("X-Correlation-Id");
        assertNotNull(used, "no X-Correlation-Id on the response");
        assertTrue(used.matches("[0-9a-f-]{36}"), "an unsafe id is replaced by a UUID, not echoed: " + used);
        assertProblem(response, 404, "NOT_FOUND", used);
    }

    private RawHttp.Response get(String target, String correlationId, String moreHeaders) throws IOException {
        return http.exchange("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + bearer
                + "\r\nX-Correlation-Id: " + correlationId + "\r\n" + moreHeaders + "Connection: close\r\n", null);
    }

    /** Status, media type, the shape's core members, and the correlation id in header and body. */
    public static void assertProblem(RawHttp.Response response, int status, String code, String correlationId)
            throws IOException {
        String what = status + " " + code + " expected, got " + response.status() + " " + response.headers() + " "
                + response.body();
        assertEquals(status, response.status(), what);
        assertTrue(String.valueOf(response.header("Content-Type")).startsWith("application/problem+json"), what);
        assertEquals(correlationId, response.header("X-Correlation-Id"), what);
        JsonNode body = JSON.readTree(response.body());
        assertEquals(TYPE_BASE + code.toLowerCase().replace('_', '-'), body.path("type").asText(), what);
        assertEquals(status, body.path("status").asInt(), what);
        assertEquals(code, body.path("code").asText(), what);
        assertTrue(!body.path("title").asText().isEmpty() && !body.path("detail").asText().isEmpty(), what);
        assertEquals(correlationId, body.path("correlationId").asText(), what);
    }
}
