package com.waitingroom.projection;

import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.PatientCalled;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientClaimedForAttention;
import com.waitingroom.kernel.events.PatientLeft;
import com.waitingroom.kernel.events.PatientPaymentPending;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static com.waitingroom.projection.Api.staff;
import static com.waitingroom.projection.Api.viewer;
import static com.waitingroom.projection.WaitingRoomResourceTest.awaitVersion;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/** How visits end (a patient leaving from any waiting state) and how a later visit keeps the earlier history. */
@QuarkusTest
@QuarkusTestResource(value = ProjectionTestInfra.class, restrictToAnnotatedClass = false)
class VisitOutcomesViewTest extends PublishingTest {

    @Test
    void aPatientCanLeaveFromEveryWaitingStateAndFreesItsDeskOrRoom() throws Exception {
        String q = TestEvents.newQueueId("left");
        TestEvents.Stream stream = new TestEvents.Stream(q).created()
                .add(new ConsultingRoomActivated(q, "R-1"));
        for (int p = 1; p <= 7; p++) {
            stream.checkIn("P-" + p, "Patient " + p, Priority.MEDIUM);
        }
        stream.add(new PatientLeft(q, "P-1", "gave up")) // WaitingForCashier
                .add(new PatientCalledAtCashier(q, "P-2", "D-1")).add(new PatientLeft(q, "P-2", "at the desk"))
                .add(new PatientCalledAtCashier(q, "P-3", "D-2"))
                .add(new PatientPaymentPending(q, "P-3", "no card", 1)).add(new PatientLeft(q, "P-3", "pending"))
                .add(new PatientCalledAtCashier(q, "P-4", "D-1")).paymentValidated("P-4", "PAY-4")
                .add(new PatientLeft(q, "P-4", "waiting for a room"))
                .add(new PatientCalledAtCashier(q, "P-5", "D-1")).paymentValidated("P-5", "PAY-5")
                .add(new PatientClaimedForAttention(q, "P-5", "R-1")).add(new PatientLeft(q, "P-5", "claimed"))
                .add(new PatientCalledAtCashier(q, "P-6", "D-1")).paymentValidated("P-6", "PAY-6")
                .add(new PatientClaimedForAttention(q, "P-6", "R-1")).add(new PatientCalled(q, "P-6", "R-1"))
                .add(new PatientLeft(q, "P-6", "called, never came"));
        events.publishAll(stream.events);
        awaitVersion(q, stream.events.size());

        viewer().get("/api/waiting-rooms/{q}/monitor", q).then().statusCode(200)
                .body("left", equalTo(6)).body("completed", equalTo(0)).body("cancelled", equalTo(0))
                .body("waitingTotal", equalTo(1)).body("waitingForCashier", equalTo(1))
                .body("atCashier", equalTo(0)).body("paymentPending", equalTo(0))
                .body("waitingForConsultation", equalTo(0)).body("withRoom", equalTo(0))
                .body("utilization", equalTo(0.02f)) // 1 open visit of 50
                .body("nextForCashier", equalTo("P-7")).body("nextForConsultation", nullValue());
        viewer().get("/api/waiting-rooms/{q}/next-turn", q).then()
                .body("cashierDesks.state", everyItem(equalTo("Idle")))
                .body("cashierDesks.patientId", everyItem(nullValue()))
                .body("rooms[0].state", equalTo("Idle")).body("rooms[0].patientId", nullValue());
        viewer().get("/api/waiting-rooms/{q}/queue", q).then()
                .body("cashierLine.patientId", contains("P-7"))
                .body("consultationLine", hasSize(0)).body("paymentPending", hasSize(0));
        staff().get("/api/waiting-rooms/{q}/history", q).then()
                .body("attentions.patientId", containsInAnyOrder("P-1", "P-2", "P-3", "P-4", "P-5", "P-6"))
                .body("attentions.outcome", everyItem(equalTo("Left")))
                .body("attentions.state", everyItem(equalTo("Left")));
        staff().get("/api/waiting-rooms/{q}/patients/P-6/trajectory", q).then()
                .body("state", equalTo("Left"))
                .body("visits[0].steps[-1].eventType", equalTo("PatientLeft"))
                .body("visits[0].steps[-1].state", equalTo("Left"))
                .body("visits[0].steps[-1].detail", equalTo("called, never came"));
    }

    @Test
    void aSecondVisitKeepsTheFirstVisitsSteps() throws Exception {
        String q = TestEvents.newQueueId("revisit");
        TestEvents.Stream stream = new TestEvents.Stream(q).created()
                .checkIn("P-1", "Ana", Priority.LOW)
                .add(new PatientCalledAtCashier(q, "P-1", "D-1"))
                .add(new PatientLeft(q, "P-1", "back tomorrow"))
                .checkIn("P-1", "Ana", Priority.HIGH)
                .checkIn("P-2", "Bruno", Priority.MEDIUM);
        events.publishAll(stream.events);
        awaitVersion(q, stream.events.size());

        staff().get("/api/waiting-rooms/{q}/patients/P-1/trajectory", q).then().statusCode(200)
                .body("visit", equalTo(2)).body("state", equalTo("WaitingForCashier"))
                .body("priority", equalTo("High"))
                .body("visits.visit", contains(1, 2))
                .body("visits[0].steps.eventType", contains("PatientCheckedIn", "PatientCalledAtCashier",
                        "PatientLeft"))
                .body("visits[0].steps.version", contains(2, 3, 4))
                .body("visits[1].steps.eventType", contains("PatientCheckedIn"))
                .body("visits[1].steps.version", contains(5));
        viewer().get("/api/waiting-rooms/{q}/queue", q).then()
                .body("cashierLine.patientId", contains("P-1", "P-2"));
        viewer().get("/api/waiting-rooms/{q}/monitor", q).then()
                .body("left", equalTo(0)).body("waitingForCashier", equalTo(2));
    }
}
