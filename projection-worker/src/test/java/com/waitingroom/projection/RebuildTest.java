package com.waitingroom.projection;

import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientLeft;
import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.LocalInfra;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static com.waitingroom.projection.Api.admin;
import static com.waitingroom.projection.Api.staff;
import static com.waitingroom.projection.Api.viewer;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rebuild from public.events into shadow tables and swap, while events keep flowing and queries keep answering. */
@QuarkusTest
class RebuildTest {

    @Test
    void rebuildRestoresTheReadModelsWhileEventsKeepFlowing() throws Exception {
        List<TestEvents.Stream> streams = new ArrayList<>();
        try (TestEvents events = new TestEvents()) {
            for (int s = 0; s < 3; s++) {
                TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("rebuild"))
                        .by("admin-" + s, Roles.ADMIN).created();
                for (int p = 1; p <= 60; p++) {
                    // P-2's check-in as recorded before access control: an actor, no role.
                    stream.by(p == 2 ? "front-desk" : "reception-" + s, p == 2 ? null : Roles.RECEPTIONIST)
                            .checkIn("P-" + p, "Patient " + p, Priority.values()[p % 4]);
                }
                stream.by("cashier-" + s, Roles.CASHIER).add(new PatientCalledAtCashier(stream.queueId, "P-1", "D-1"));
                stream.by("reception-" + s, Roles.RECEPTIONIST).add(new PatientLeft(stream.queueId, "P-60", "gave up"));
                TestEvents.store(stream.events);
                events.publishAll(stream.events);
                streams.add(stream);
            }
            for (TestEvents.Stream stream : streams) {
                WaitingRoomResourceTest.awaitVersion(stream.queueId, 63);
            }
            // The audit trail as the live path projected it from the delivered messages.
            String intact = streams.get(1).queueId;
            Map<String, String> live = auditViews(intact);
            staff().get("/api/waiting-rooms/{q}/patients/P-1/trajectory", intact).then()
                    .body("visits[0].steps.actor", contains("reception-1", "cashier-1"))
                    .body("visits[0].steps.actorRole", contains(Roles.RECEPTIONIST, Roles.CASHIER));
            String damaged = streams.get(0).queueId;
            // Simulate a read model broken by an old handler bug: the rebuild must restore it from the store.
            try (var c = LocalInfra.connect(ProjectionTestInfra.DATABASE); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM projection.patients WHERE queue_id = '" + damaged + "'");
            }
            viewer().get("/api/waiting-rooms/{q}/queue", damaged).then().body("cashierLine", hasSize(0));

            TestEvents.Stream flowing = new TestEvents.Stream(TestEvents.newQueueId("flowing")).created();
            TestEvents.store(flowing.events);
            events.publishAll(flowing.events);
            AtomicBoolean keepFlowing = new AtomicBoolean(true);
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (TestEvents publisher = new TestEvents()) {
                    int p = 0;
                    while (keepFlowing.get()) {
                        p++;
                        flowing.checkIn("F-" + p, "Flowing " + p, Priority.MEDIUM);
                        EventEnvelope next = flowing.version(flowing.events.size());
                        TestEvents.store(List.of(next)); // commit first, then publish: the outbox order
                        publisher.publish(next);
                        Thread.sleep(5);
                    }
                } catch (Throwable e) {
                    writerFailure.set(e);
                }
            });
            writer.start();
            try {
                Thread.sleep(200);
                admin()
                        .post("/api/projections/waiting-rooms/rebuild").then().statusCode(202)
                        .body("name", equalTo("waiting-rooms"));
                // The live projection keeps answering during the rebuild.
                viewer().get("/api/waiting-rooms/{q}/queue", streams.get(1).queueId).then().statusCode(200)
                        .body("cashierLine", hasSize(58));
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                        viewer().get("/api/projections").then().body("[0].status", equalTo("LIVE"))
                                .body("[0].rebuild.finishedAt", notNullValue()));
                Thread.sleep(300); // some events after the swap as well
            } finally {
                keepFlowing.set(false);
                writer.join(10_000);
            }
            assertNull(writerFailure.get(), () -> "writer failed: " + writerFailure.get());
            int finalVersion = flowing.events.size();
            assertTrue(finalVersion > 10, "events must have kept flowing during the rebuild");
            WaitingRoomResourceTest.awaitVersion(flowing.queueId, finalVersion);
            viewer().get("/api/waiting-rooms/{q}/queue", flowing.queueId).then()
                    .body("cashierLine", hasSize(finalVersion - 1));
            viewer().get("/api/waiting-rooms/{q}/queue", damaged).then().body("cashierLine", hasSize(58))
                    .body("version", equalTo(63));
            staff().get("/api/waiting-rooms/{q}/patients/P-1/trajectory", damaged).then()
                    .body("state", equalTo("AtCashier")).body("visits[0].steps", hasSize(2))
                    .body("visits[0].steps.actor", contains("reception-0", "cashier-0"))
                    .body("visits[0].steps.actorRole", contains(Roles.RECEPTIONIST, Roles.CASHIER));
            // Rebuilt from the event store (events.actor, events.actor_role): the same audit trail as live.
            assertEquals(live, auditViews(intact));
            var status = viewer().get("/api/projections").then().extract().jsonPath();
            assertEquals(status.getLong("[0].rebuild.total") > 0, true);
            assertNull(status.getString("[0].rebuild.lastError"));
        }
    }

    /** Trajectories (with and without an actor role) and the history (who finished a visit) of a queue. */
    private static Map<String, String> auditViews(String queueId) {
        Map<String, String> views = new LinkedHashMap<>();
        for (String patient : List.of("P-1", "P-2", "P-60")) {
            views.put(patient, staff().get("/api/waiting-rooms/{q}/patients/{p}/trajectory", queueId, patient)
                    .then().statusCode(200).body("visits[0].steps[0].actor", notNullValue())
                    .extract().asString());
        }
        staff().get("/api/waiting-rooms/{q}/patients/P-2/trajectory", queueId).then()
                .body("visits[0].steps[0].actor", equalTo("front-desk"))
                .body("visits[0].steps[0].actorRole", nullValue());
        views.put("history", staff().get("/api/waiting-rooms/{q}/history", queueId).then().statusCode(200)
                .body("attentions.patientId", contains("P-60"))
                .body("attentions[0].actor", startsWith("reception-"))
                .body("attentions[0].actorRole", equalTo(Roles.RECEPTIONIST))
                .extract().asString());
        return views;
    }
}
