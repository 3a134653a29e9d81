package com.waitingroom.ingest.api;

import static com.waitingroom.ingest.auth.Tokens.asReader;
import static com.waitingroom.ingest.auth.Tokens.asWriter;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.auth.Tokens;
import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.http.RawHttp;

import io.restassured.RestAssured;

import io.quarkus.test.junit.QuarkusTest;

/** The query parameters of GET /events, /events/count, /events/severity-summary and /events/summary: refusals and literal matching. */
@QuarkusTest
public class SearchParametersTest {

    private static final String PROBLEM = EventResourceTest.PROBLEM;

    @Test
    void unknownParametersAreRefusedNamingEachOne() {
        for (String path : List.of("/events", "/events/count", "/events/severity-summary", "/events/summary")) {
            asReader().queryParam("sevrity", "ERROR").queryParam("foo", "1").get(path)
                    .then().statusCode(400).contentType(PROBLEM)
                    .body("code", equalTo("INVALID_QUERY"))
                    .body("errors.field", containsInAnyOrder("sevrity", "foo"))
                    .body("detail", containsString("sevrity")).body("detail", containsString("foo"));
        }
        // the example: a text filter under a name the endpoint does not take no longer answers everything
        asReader().queryParam("query", "ERROR").get("/events").then().statusCode(400).body("errors[0].field", equalTo("query"));
        // paging parameters belong to the list only
        asReader().queryParam("limit", "10").queryParam("cursor", "x").get("/events/count")
                .then().statusCode(400).body("errors.field", containsInAnyOrder("limit", "cursor"));
        asReader().queryParam("service", "a").get("/events/summary").then().statusCode(400).body("errors[0].field", equalTo("service"));
    }

    @Test
    void badFilterValuesAre400NeverA500() {
        asReader().queryParam("severity", "LOUD").queryParam("minSeverity", "very").queryParam("traceId", "xyz")
                .queryParam("correlationId", "has space").queryParam("q", "")
                .get("/events").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", containsInAnyOrder("severity", "minSeverity", "traceId", "correlationId", "q"));
        asReader().queryParam("meta.", "1").queryParam("meta.bad key", "1").queryParam("meta.ok", "")
                .queryParam("q", "x".repeat(201))
                .get("/events/count").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("meta.", "meta.bad key", "meta.ok", "q"));
        asReader().queryParam("from", "2026-01-02T00:00:00Z").queryParam("to", "2026-01-01T00:00:00Z")
                .get("/events/severity-summary").then().statusCode(400).body("errors[0].field", equalTo("from"));
        asReader().queryParam("from", "2026-01-01T00:00:00Z").queryParam("to", "2026-03-01T00:00:00Z")
                .get("/events/count").then().statusCode(400).body("errors[0].field", equalTo("to"))
                .body("errors[0].message", containsString("31 days"));
        asReader().queryParam("to", "+99999-01-01T00:00:00Z").get("/events/count").then().statusCode(400)
                .body("errors[0].field", equalTo("to"));
        asReader().queryParam("q", "a\u0000b").queryParam("service", "s\u0000").get("/events").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("q", "service"));
        asReader().queryParam("service", "a").queryParam("service", "b").get("/events").then().statusCode(400)
                .body("errors[0].field", equalTo("service")).body("errors[0].message", containsString("2 times"));
        StringBuilder many = new StringBuilder("/events?");
        for (int i = 0; i < 11; i++) {
            many.append("meta.k").append(i).append("=v&");
        }
        asReader().urlEncodingEnabled(false).get(many.toString()).then().statusCode(400)
                .body("errors[0].field", equalTo("meta.*"));
    }

    @Test
    void aQueryStringThatDoesNotDecodeIsA400NotA500() throws Exception {
        // no client library sends a malformed percent-escape: a raw request does
        RawHttp.Response answer = new RawHttp("127.0.0.1", RestAssured.port).exchange("GET /events?q=%ZZ&meta.%E0=1 HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: " + Tokens.bearer(Roles.LOG_READER) + "\r\nConnection: close\r\n", null);
        // Vert.x refuses it before any route runs, with a bare 400 (service-http's FrameworkProblems does not see it)
        assertEquals(400, answer.status(), answer.body());
    }

    @Test
    void likeMetacharactersMatchLiterallyAndCaseIsIgnored() {
        String service = EventResourceTest.uniqueService("like");
        Instant at = Instant.now().minus(1, ChronoUnit.MINUTES);
        String[] messages = { "50% off today", "50 percent off", "a_b done", "axb done", "back\\\\slash", "backslash", "PRINTER jammed" };
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < messages.length; i++) {
            batch.append(i == 0 ? "" : ",").append(EventResourceTest.event("like-" + i + "-" + service, at.plusMillis(i), service,
                    messages[i], null));
        }
        asWriter().contentType("application/json").body(batch.append(']').toString()).post("/events").then().statusCode(201);
        assertEquals(List.of("50% off today"), messages(service, "50%"));
        assertEquals(List.of("a_b done"), messages(service, "a_b"));
        assertEquals(List.of("back\\slash"), messages(service, "\\"));
        assertEquals(List.of(), messages(service, "%%"));
        assertEquals(List.of("PRINTER jammed"), messages(service, "printer JAM"));
        assertEquals(5, messages(service, " ").size(), "the five messages with a space");
    }

    private static List<String> messages(String service, String text) {
        return asReader().queryParam("service", service).queryParam("q", text).get("/events").then().statusCode(200)
                .extract().path("items.message");
    }
}
