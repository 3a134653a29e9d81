package com.waitingroom.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientClaimedForAttention;
import com.waitingroom.kernel.events.PatientLeft;
import com.waitingroom.projection.live.DisplayFanOut;
import com.waitingroom.projection.live.StreamItem;
import com.waitingroom.projection.store.EventStoreReader;
import com.waitingroom.projection.store.IncomingEvent;
import com.waitingroom.projection.store.ReadModelWriter;
import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.LocalInfra;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static com.waitingroom.projection.Api.bearer;
import static com.waitingroom.projection.Api.viewer;
import static com.waitingroom.projection.WaitingRoomResourceTest.awaitVersion;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The screens' stream: a snapshot first, then one per committed change (from this replica or any
 * other), resumable with Last-Event-ID, kept alive by heartbeats, never showing names; a client that
 * does not read is dropped instead of holding anything up.
 */
@QuarkusTest
@QuarkusTestResource(value = ProjectionTestInfra.class, restrictToAnnotatedClass = false)
class ScreenStreamTest extends PublishingTest {

    private static final Duration SOON = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;
    @Inject
    DisplayFanOut fanOut;

    private SseClient stream(String queueId, String lastEventId) throws Exception {
        return SseClient.open(base + "api/waiting-rooms/" + queueId + "/stream", bearer(Roles.VIEWER), lastEventId);
    }

    private static JsonNode data(SseClient.Event event) throws Exception {
        assertNotNull(event, "an event arrived in time");
        assertEquals("snapshot", event.name());
        return JSON.readTree(event.data());
    }

    private TestEvents.Stream queueWithThreePatients(String prefix) throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId(prefix)).created()
                .checkIn("P-1", "Ana Secret", Priority.LOW).checkIn("P-2", "Bruno Secret", Priority.URGENT)
                .checkIn("P-3", "Carla Secret", Priority.MEDIUM);
        events.publishAll(stream.events);
        awaitVersion(stream.queueId, 4);
        return stream;
    }

    @Test
    void aSnapshotFirstThenEveryCommittedChangeWithTicketsOnly() throws Exception {
        TestEvents.Stream stream = queueWithThreePatients("stream");
        String q = stream.queueId;
        try (SseClient client = stream(q, null)) {
            assertEquals(200, client.status);
            assertTrue(client.contentType.startsWith("text/event-stream"), client.contentType);
            assertEquals("no", client.header("X-Accel-Buffering"), "proxies pass events on unbuffered");
            SseClient.Event first = client.next(SOON);
            JsonNode snapshot = data(first);
            assertEquals("4", first.id());
            assertEquals(4, snapshot.get("version").asLong());
            assertEquals(List.of("002", "003", "001"), tickets(snapshot.get("cashierLine")));
            assertFalse(first.data().contains("Secret"), "no names on a public screen: " + first.data());
            assertFalse(first.data().contains("P-1"), "no patient ids on a public screen: " + first.data());

            events.publish(stream.add(new PatientCalledAtCashier(q, "P-2", "D-1")).version(5));
            JsonNode called = data(client.next(SOON));
            assertEquals(5, called.get("version").asLong());
            assertEquals("002", called.at("/nowCalling/0/ticketNumber").asText());
            assertEquals("cashierDesk", called.at("/nowCalling/0/stationType").asText());
            assertEquals("D-1", called.at("/nowCalling/0/stationId").asText());
            assertEquals(List.of("003", "001"), tickets(called.get("cashierLine")));

            events.publish(stream.add(new PatientLeft(q, "P-3", "tired")).version(6));
            JsonNode left = data(client.next(SOON));
            assertEquals(List.of("001"), tickets(left.get("cashierLine")));
        }
        // the same document, polled; its predicted waits are the queue view's (same clock, same snapshot)
        viewer().get("/api/waiting-rooms/{q}/display", q).then().statusCode(200)
                .body("version", equalTo(6)).body("cashierLine.ticketNumber", contains("001"));
        List<Object> queueWaits = viewer().get("/api/waiting-rooms/{q}/queue", q).then().extract()
                .jsonPath().getList("cashierLine.estimatedWaitSeconds");
        List<Object> screenWaits = viewer().get("/api/waiting-rooms/{q}/display", q).then().extract()
                .jsonPath().getList("cashierLine.estimatedWaitSeconds");
        assertEquals(queueWaits, screenWaits);
        assertTrue(queueWaits.size() == 1 && queueWaits.get(0) != null, "desk D-1 is open: " + queueWaits);
    }

    @Test
    void lastEventIdResumesWithoutDuplicatesOrGaps() throws Exception {
        TestEvents.Stream stream = queueWithThreePatients("resume");
        String q = stream.queueId;
        try (SseClient current = stream(q, "4")) {
            assertNull(current.next(Duration.ofSeconds(1)), "the client already holds version 4");
            events.publish(stream.add(new ConsultingRoomActivated(q, "R-1")).version(5));
            SseClient.Event next = current.next(SOON);
            assertEquals("5", next.id());
            assertEquals(5, data(next).get("version").asLong());
        }
        try (SseClient behind = stream(q, "2")) {
            SseClient.Event caughtUp = behind.next(SOON);
            assertEquals("5", caughtUp.id(), "an older Last-Event-ID gets the current state at once");
        }
        try (SseClient ahead = stream(q, "999")) {
            assertEquals("5", ahead.next(SOON).id(), "an id from the future (restored database) starts over");
        }
        assertEquals(400, stream(q, "yesterday").status);
        assertEquals(404, stream(TestEvents.newQueueId("unknown"), null).status);
        assertEquals(401, SseClient.open(base + "api/waiting-rooms/" + q + "/stream", null, null).status);
    }

    @Test
    void idleStreamsGetHeartbeats() throws Exception {
        TestEvents.Stream stream = queueWithThreePatients("heartbeat");
        try (SseClient client = stream(stream.queueId, null)) {
            assertNotNull(client.next(SOON));
            assertEquals("keep-alive", client.nextComment(SOON), "heartbeat every second in the tests");
        }
    }

    /**
     * Another replica applies an event (its own writer, its own connection and transaction, no message
     * through this instance's consumer): the stream of this instance shows it.
     */
    @Test
    void changesCommittedByAnotherReplicaReachThisReplicasStreams() throws Exception {
        TestEvents.Stream stream = queueWithThreePatients("replica");
        String q = stream.queueId;
        try (SseClient client = stream(q, null)) {
            assertEquals(4, data(client.next(SOON)).get("version").asLong());
            stream.add(new ConsultingRoomActivated(q, "R-9"))
                    .add(new PatientClaimedForAttention(q, "P-2", "R-9"));
            ReadModelWriter otherReplica = new ReadModelWriter(new EventStoreReader(EventCodec.standard()),
                    EventCodec.standard());
            List<IncomingEvent> batch = new ArrayList<>();
            for (long v = 5; v <= 6; v++) {
                EventEnvelope e = stream.version(v);
                batch.add(new IncomingEvent(e, EventCodec.standard().payloadOf(e), Instant.now()));
            }
            try (Connection c = LocalInfra.connect(ProjectionTestInfra.DATABASE)) {
                c.setAutoCommit(false);
                otherReplica.apply(c, ReadModelWriter.LIVE_SCHEMA, batch, true, List.of());
                c.commit();
            }
            JsonNode snapshot = data(client.next(SOON));
            assertEquals(6, snapshot.get("version").asLong());
            assertEquals("room", snapshot.at("/nowCalling/0/stationType").asText());
            assertEquals("R-9", snapshot.at("/nowCalling/0/stationId").asText());
            assertEquals("002", snapshot.at("/nowCalling/0/ticketNumber").asText());
        }
    }

    /**
     * Streams that overflow (dropped inside a publish) while other streams of the same queue open and
     * close all the time: the fan-out never deadlocks (the bench found a lock-order deadlock between
     * a publish that drops a subscriber and a stream that closes), and a reading client gets every change.
     */
    @Test
    void droppingAndClosingStreamsConcurrentlyNeverBlocksTheFanOut() throws Exception {
        TestEvents.Stream stream = queueWithThreePatients("race");
        String q = stream.queueId;
        List<AssertSubscriber<StreamItem>> stuck = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            stuck.add(fanOut.subscribe(q, -1).subscribe().withSubscriber(AssertSubscriber.create(0)));
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread churn = new Thread(() -> {
            while (!done.get()) {
                fanOut.subscribe(q, -1).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE)).cancel();
            }
        }, "stream-churn");
        try (SseClient reader = stream(q, null)) {
            assertNotNull(reader.next(SOON));
            churn.start();
            for (int i = 0; i < 24; i++) {
                events.publish(stream.add(new ConsultingRoomActivated(q, "R-" + i)).version(stream.events.size()));
                String version = String.valueOf(stream.events.size());
                await().atMost(SOON).until(() -> {
                    SseClient.Event e = reader.next(Duration.ofMillis(200));
                    return e != null && e.id().equals(version);
                });
            }
        } finally {
            done.set(true);
            churn.join(5000);
        }
        assertNull(java.lang.management.ManagementFactory.getThreadMXBean().findDeadlockedThreads());
        await().atMost(SOON).until(() -> fanOut.subscriberCount(q) == 0); // every stream cleaned up
        for (AssertSubscriber<StreamItem> subscriber : stuck) {
            assertTrue(subscriber.getFailure() instanceof BackPressureFailure, String.valueOf(subscriber.getFailure()));
        }
    }

    /**
     * A real HTTP client that stops reading (a hung screen): once the socket buffers are full, its
     * writes stop completing, its stream buffer fills and the server drops it, while a reading client
     * of the same queue keeps getting every change.
     */
    @Test
    void aRealClientThatStopsReadingIsDisconnected() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("hung")).created();
        for (int i = 0; i < 300; i++) {
            stream.checkIn("P-" + i, "Patient " + i, Priority.MEDIUM); // ~19 KB per snapshot
        }
        events.publishAll(stream.events);
        awaitVersion(stream.queueId, stream.events.size());
        String q = stream.queueId;
        try (java.net.Socket hung = new java.net.Socket()) {
            hung.setReceiveBufferSize(4096);
            hung.connect(new java.net.InetSocketAddress("127.0.0.1", base.getPort()));
            hung.getOutputStream().write(("GET /api/waiting-rooms/" + q + "/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\nAuthorization: " + bearer(Roles.VIEWER) + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            await().atMost(SOON).until(() -> fanOut.subscriberCount(q) == 1);
            try (SseClient reader = stream(q, null)) {
                assertNotNull(reader.next(SOON));
                long dropped = -1;
                for (int i = 0; i < 1000 && dropped < 0; i++) { // until the socket buffers are full
                    events.publish(stream.add(new ConsultingRoomActivated(q, "R-" + i)).version(stream.events.size()));
                    String version = String.valueOf(stream.events.size());
                    await().atMost(SOON).until(() -> {
                        SseClient.Event e = reader.next(Duration.ofMillis(200));
                        return e != null && e.id().equals(version);
                    });
                    if (fanOut.subscriberCount(q) == 1) { // only the reader is left
                        dropped = i + 1;
                    }
                }
                assertTrue(dropped > 0, "the hung client was dropped while the reader kept receiving");
                System.out.printf("hung client dropped after %d changes of ~%d KB%n", dropped,
                        reader.lastData().length() / 1024);
            }
        }
    }

    /** The page holds no data: it is served without a token, to any queue id. */
    @Test
    void thePageIsServedWithoutATokenAndHoldsNoData() {
        String page = io.restassured.RestAssured.given().get("/display/{q}", "ANY-QUEUE").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/html"))
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("default-src 'self'"))
                .extract().asString();
        assertTrue(page.contains("/stream"), "the page reads the stream");
        assertFalse(page.contains("ANY-QUEUE"), "the page is the same for every queue (it reads its id from the URL)");
    }

    /** A subscriber that reads nothing is failed once its buffer is full; the others are not affected. */
    @Test
    void aClientThatDoesNotReadIsDroppedAndNobodyWaitsForIt() throws Exception {
        TestEvents.Stream stream = queueWithThreePatients("slow");
        String q = stream.queueId;
        AssertSubscriber<StreamItem> stuck = fanOut.subscribe(q, -1).subscribe().withSubscriber(AssertSubscriber.create(0));
        try (SseClient reader = stream(q, null)) {
            assertNotNull(reader.next(SOON));
            // one change at a time, each seen by the reading client: each is a snapshot the stuck one cannot take
            for (int i = 0; i < 20 && stuck.getFailure() == null; i++) {
                events.publish(stream.add(new ConsultingRoomActivated(q, "R-" + i)).version(stream.events.size()));
                String version = String.valueOf(stream.events.size());
                await().atMost(SOON).until(() -> {
                    SseClient.Event e = reader.next(Duration.ofMillis(200));
                    return e != null && e.id().equals(version);
                });
            }
            stuck.awaitFailure(SOON);
            assertTrue(stuck.getFailure() instanceof BackPressureFailure, String.valueOf(stuck.getFailure()));
            assertTrue(stuck.getItems().isEmpty(), "it never asked for anything");
        }
        await().atMost(SOON).until(() -> fanOut.subscriberCount(q) == 0);
    }

    private static List<String> tickets(JsonNode line) {
        List<String> result = new ArrayList<>();
        line.forEach(entry -> result.add(entry.get("ticketNumber").asText()));
        return result;
    }
}
