package com.waitingroom.projection;

import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.PatientAbsentAtCashier;
import com.waitingroom.kernel.events.PatientCalled;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.kernel.events.PatientClaimedForAttention;
import com.waitingroom.kernel.events.PatientPaymentPending;
import com.waitingroom.kernel.events.PatientPaymentValidated;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.Map;

import static com.waitingroom.projection.Api.staff;
import static com.waitingroom.projection.Api.viewer;
import static com.waitingroom.projection.WaitingRoomResourceTest.awaitVersion;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * The lines as the aggregate serves them: priority, then the line sequence the events carry (or,
 * for schema-1 events, the one the aggregate's counter gave). Cashier desks work in parallel.
 */
@QuarkusTest
@QuarkusTestResource(value = ProjectionTestInfra.class, restrictToAnnotatedClass = false)
class WaitingLinesViewTest extends PublishingTest {

    private final Map<TestEvents.Stream, Integer> published = new IdentityHashMap<>();

    /** Publishes the stream's events not published yet and waits until the projection applied them. */
    private void publish(TestEvents.Stream stream) throws Exception {
        int from = published.getOrDefault(stream, 0);
        events.publishAll(stream.events.subList(from, stream.events.size()));
        published.put(stream, stream.events.size());
        awaitVersion(stream.queueId, stream.events.size());
    }

    @Test
    void aPatientRequeuedAfterAnAbsenceIsShownAtTheBackOfItsPriority() throws Exception {
        String q = TestEvents.newQueueId("requeue");
        TestEvents.Stream stream = new TestEvents.Stream(q).created()
                .checkIn("P-1", "Ana", Priority.MEDIUM).checkIn("P-2", "Bruno", Priority.MEDIUM)
                .checkIn("P-3", "Carla", Priority.MEDIUM).checkIn("P-4", "Dario", Priority.LOW)
                .add(new PatientCalledAtCashier(q, "P-1", "D-1"))
                .absentAtCashier("P-1", 1);
        publish(stream);

        viewer().get("/api/waiting-rooms/{q}/queue", q).then().statusCode(200)
                .body("cashierLine.patientId", contains("P-2", "P-3", "P-1", "P-4"))
                .body("cashierLine.position", contains(1, 2, 3, 4));
        viewer().get("/api/waiting-rooms/{q}/next-turn", q).then().body("nextForCashier.patientId", equalTo("P-2"));
        viewer().get("/api/waiting-rooms/{q}/monitor", q).then().body("nextForCashier", equalTo("P-2"));

        // The consultation line requeues the same way.
        stream.add(new ConsultingRoomActivated(q, "R-1"))
                .add(new PatientCalledAtCashier(q, "P-2", "D-1")).paymentValidated("P-2", "PAY-2")
                .add(new PatientCalledAtCashier(q, "P-3", "D-1")).paymentValidated("P-3", "PAY-3")
                .add(new PatientClaimedForAttention(q, "P-2", "R-1")).add(new PatientCalled(q, "P-2", "R-1"))
                .absentAtConsultation("P-2", "R-1", 1);
        publish(stream);
        viewer().get("/api/waiting-rooms/{q}/queue", q).then()
                .body("consultationLine.patientId", contains("P-3", "P-2"))
                .body("consultationLine.position", contains(1, 2));
        viewer().get("/api/waiting-rooms/{q}/monitor", q).then().body("nextForConsultation", equalTo("P-3"));
    }

    @Test
    void paymentValidationPlacesThePatientAtTheBackOfTheConsultationLine() throws Exception {
        String q = TestEvents.newQueueId("validated");
        TestEvents.Stream stream = new TestEvents.Stream(q).created()
                .checkIn("P-1", "Ana", Priority.MEDIUM).checkIn("P-2", "Bruno", Priority.MEDIUM)
                .checkIn("P-3", "Carla", Priority.HIGH)
                .add(new PatientCalledAtCashier(q, "P-2", "D-1")).paymentValidated("P-2", "PAY-2")
                .add(new PatientCalledAtCashier(q, "P-1", "D-1")).paymentValidated("P-1", "PAY-1")
                .add(new PatientCalledAtCashier(q, "P-3", "D-1")).paymentValidated("P-3", "PAY-3");
        publish(stream);

        // Check-in order would say P-1 before P-2; the aggregate serves in validation order.
        viewer().get("/api/waiting-rooms/{q}/queue", q).then()
                .body("consultationLine.patientId", contains("P-3", "P-2", "P-1"))
                .body("consultationLine.state", contains("WaitingForConsultation", "WaitingForConsultation",
                        "WaitingForConsultation"))
                .body("cashierLine", hasSize(0));
        viewer().get("/api/waiting-rooms/{q}/next-turn", q).then()
                .body("nextForConsultation.patientId", equalTo("P-3")).body("nextForCashier", nullValue());
    }

    @Test
    void schemaOneEventsWithoutLineSequenceAreOrderedByTheQueueCounterAsTheAggregateDid() throws Exception {
        String q = TestEvents.newQueueId("legacy");
        TestEvents.Stream stream = new TestEvents.Stream(q).created()
                .add(legacyCheckIn(q, "P-1")).add(legacyCheckIn(q, "P-2")).add(legacyCheckIn(q, "P-3")) // 1, 2, 3
                .add(new PatientCalledAtCashier(q, "P-1", null))
                .add(new PatientAbsentAtCashier(q, "P-1", 1, null)) // 4
                .add(new PatientCalledAtCashier(q, "P-2", null))
                .add(new PatientPaymentValidated(q, "P-2", "PAY-2", null)) // 5
                // The first schema-2 event carries what the aggregate's counter gave it; later
                // schema-1 events continue after it.
                .add(new PatientCheckedIn(q, "P-4", "Dario", Priority.MEDIUM, Priority.MEDIUM, "General", null, 40,
                        false, 3, 6L, 1))
                .add(legacyCheckIn(q, "P-5")); // 7
        publish(stream);

        viewer().get("/api/waiting-rooms/{q}/queue", q).then()
                .body("cashierLine.patientId", contains("P-3", "P-1", "P-4", "P-5"))
                .body("consultationLine.patientId", contains("P-2"));
    }

    private static PatientCheckedIn legacyCheckIn(String q, String patientId) {
        return new PatientCheckedIn(q, patientId, "Name " + patientId, Priority.MEDIUM, Priority.MEDIUM, "General",
                null, 40, false, 0, null, null);
    }

    @Test
    void aCashierCallWithoutDeskUsesTheMainDeskAndTheReadModelKeepsGoing() throws Exception {
        String q = TestEvents.newQueueId("nodesk");
        TestEvents.Stream stream = new TestEvents.Stream(q).created()
                .checkIn("P-1", "Ana", Priority.HIGH).checkIn("P-2", "Bruno", Priority.LOW)
                .add(new PatientCalledAtCashier(q, "P-1", null))
                .paymentValidated("P-1", "PAY-1")
                .add(new PatientCalledAtCashier(q, "P-2", " "))
                .checkIn("P-3", "Carla", Priority.MEDIUM);
        publish(stream); // every event applied: nothing froze on the desk-less call

        viewer().get("/api/waiting-rooms/{q}/next-turn", q).then().statusCode(200)
                .body("cashierDesks.stationId", contains("main"))
                .body("cashierDesks[0].state", equalTo("Calling"))
                .body("cashierDesks[0].patientId", equalTo("P-2"))
                .body("nextForCashier.patientId", equalTo("P-3"));
        staff().get("/api/waiting-rooms/{q}/patients/P-1/trajectory", q).then()
                .body("visits[0].steps[1].deskId", equalTo("main"));
        viewer().get("/api/waiting-rooms/{q}/queue", q).then()
                .body("consultationLine.patientId", contains("P-1")).body("cashierLine.patientId", contains("P-3"));
    }

    @Test
    void twoCashierDesksServeInParallel() throws Exception {
        String q = TestEvents.newQueueId("desks");
        TestEvents.Stream stream = new TestEvents.Stream(q).created()
                .checkIn("P-1", "Ana", Priority.MEDIUM).checkIn("P-2", "Bruno", Priority.MEDIUM)
                .checkIn("P-3", "Carla", Priority.MEDIUM).checkIn("P-4", "Dario", Priority.MEDIUM)
                .add(new PatientCalledAtCashier(q, "P-1", "D-1"))
                .add(new PatientCalledAtCashier(q, "P-2", "D-2"));
        publish(stream);

        staff().get("/api/waiting-rooms/{q}/next-turn", q).then()
                .body("cashierDesks.stationId", contains("D-1", "D-2"))
                .body("cashierDesks.state", contains("Calling", "Calling"))
                .body("cashierDesks.patientId", contains("P-1", "P-2"))
                .body("cashierDesks.patientName", contains("Ana", "Bruno"))
                .body("nextForCashier.patientId", equalTo("P-3"));
        viewer().get("/api/waiting-rooms/{q}/monitor", q).then()
                .body("atCashier", equalTo(2)).body("waitingForCashier", equalTo(2));

        stream.paymentValidated("P-1", "PAY-1").add(new PatientCalledAtCashier(q, "P-3", "D-1"));
        publish(stream);
        viewer().get("/api/waiting-rooms/{q}/next-turn", q).then()
                .body("cashierDesks.patientId", contains("P-3", "P-2"))
                .body("nextForCashier.patientId", equalTo("P-4"));
    }

    @Test
    void aPendingPaymentFreesTheDeskAndIsNeverNextForTheCashier() throws Exception {
        String q = TestEvents.newQueueId("pending");
        TestEvents.Stream stream = new TestEvents.Stream(q).created()
                .checkIn("P-1", "Ana", Priority.URGENT).checkIn("P-2", "Bruno", Priority.LOW)
                .add(new PatientCalledAtCashier(q, "P-1", "D-1"))
                .add(new PatientPaymentPending(q, "P-1", "card declined", 1));
        publish(stream);

        viewer().get("/api/waiting-rooms/{q}/next-turn", q).then()
                .body("cashierDesks[0].state", equalTo("Idle")).body("cashierDesks[0].patientId", nullValue())
                .body("nextForCashier.patientId", equalTo("P-2"));
        viewer().get("/api/waiting-rooms/{q}/queue", q).then()
                .body("paymentPending.patientId", contains("P-1"))
                .body("paymentPending[0].state", equalTo("PaymentPending"))
                .body("paymentPending[0].position", equalTo(1))
                .body("cashierLine.patientId", contains("P-2"));
        viewer().get("/api/waiting-rooms/{q}/monitor", q).then()
                .body("paymentPending", equalTo(1)).body("waitingForCashier", equalTo(1))
                .body("atCashier", equalTo(0)).body("waitingTotal", equalTo(2))
                .body("waitingByPriority.Urgent", equalTo(1)).body("nextForCashier", equalTo("P-2"));

        // The desk calls the next patient while P-1's payment is still pending; P-1 is validated later.
        stream.add(new PatientCalledAtCashier(q, "P-2", "D-1")).paymentValidated("P-1", "PAY-1");
        publish(stream);
        viewer().get("/api/waiting-rooms/{q}/next-turn", q).then()
                .body("cashierDesks[0].patientId", equalTo("P-2"))
                .body("nextForConsultation.patientId", equalTo("P-1"));
    }
}
