package com.waitingroom.projection;

import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.ConsultingRoomDeactivated;
import com.waitingroom.kernel.events.PatientAttentionCompleted;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientClaimedForAttention;
import com.waitingroom.kernel.events.PatientPaymentPending;
import com.waitingroom.projection.domain.WaitEstimates;
import com.waitingroom.projection.store.ReadModelQueries;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Instant;
import java.util.Map;

import static com.waitingroom.projection.Api.viewer;
import static com.waitingroom.projection.WaitingRoomResourceTest.awaitVersion;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Predicted waits through the HTTP API, on the fixed clock, for a history whose measured occupancies
 * are known: desks 120/180/240 s (mean 180), General rooms 600/900/1200 s (mean 900).
 */
@QuarkusTest
@QuarkusTestResource(value = ProjectionTestInfra.class, restrictToAnnotatedClass = false)
class PredictedWaitTest extends PublishingTest {

    private static final Instant NOW = FixedClock.NOW;

    @Inject
    ReadModelQueries queries;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void queueAndNextTurnCarryTheEstimatesOfTheMeasuredHistory() throws Exception {
        String q = TestEvents.newQueueId("predict");
        TestEvents.Stream s = new TestEvents.Stream(q, NOW.minusSeconds(3 * 3600)).created()
                .add(new ConsultingRoomActivated(q, "R-1")).add(new ConsultingRoomActivated(q, "R-2"))
                .add(new ConsultingRoomActivated(q, "R-3")).add(new ConsultingRoomDeactivated(q, "R-3"));
        long[] deskSeconds = {120, 180, 240};
        long[] roomSeconds = {600, 900, 1200};
        for (int i = 0; i < 3; i++) {
            String p = "H-" + i;
            Instant start = NOW.minusSeconds(7200 - i * 1800L);
            s.at(start).checkIn(p, "History " + i, Priority.MEDIUM)
                    .at(start.plusSeconds(60)).add(new PatientCalledAtCashier(q, p, "D-1"))
                    .at(start.plusSeconds(60 + deskSeconds[i])).paymentValidated(p, "PAY-" + i)
                    .at(start.plusSeconds(400)).add(new PatientClaimedForAttention(q, p, "R-1"))
                    .at(start.plusSeconds(400 + roomSeconds[i]))
                    .add(new PatientAttentionCompleted(q, p, "R-1", "Attended", null));
        }
        // Now: D-1 holds A since 60 s (free in 120 s); D-2 called P 500 s ago, whose payment is pending
        // (D-2 idle, open); R-1 holds X since 300 s (free in 600 s); R-2 idle; R-3 inactive. Every desk
        // occupancy of these patients lasts 180 s, so the mean stays 180 s.
        Instant t = NOW.minusSeconds(1300);
        s.at(t).checkIn("X", "Xavier", Priority.MEDIUM)
                .checkIn("P", "Paula", Priority.MEDIUM).checkIn("A", "Abel", Priority.MEDIUM)
                .checkIn("C-3", "Carl", Priority.LOW).checkIn("C-1", "Cleo", Priority.HIGH)
                .checkIn("C-2", "Cora", Priority.MEDIUM)
                .checkIn("W-1", "Wanda", Priority.MEDIUM).checkIn("W-2", "Wes", Priority.MEDIUM)
                .checkIn("W-3", "Will", Priority.MEDIUM);
        String[] paying = {"X", "W-1", "W-2", "W-3"};
        for (int i = 0; i < paying.length; i++) {
            s.at(t.plusSeconds(10 + 180L * i)).add(new PatientCalledAtCashier(q, paying[i], "D-1"))
                    .at(t.plusSeconds(10 + 180L * (i + 1))).paymentValidated(paying[i], "PAY-" + paying[i]);
        }
        s.at(NOW.minusSeconds(500)).add(new PatientCalledAtCashier(q, "P", "D-2"))
                .at(NOW.minusSeconds(320)).add(new PatientPaymentPending(q, "P", "card declined", 1))
                .at(NOW.minusSeconds(300)).add(new PatientClaimedForAttention(q, "X", "R-1"))
                .at(NOW.minusSeconds(60)).add(new PatientCalledAtCashier(q, "A", "D-1"));
        events.publishAll(s.events);
        awaitVersion(q, s.events.size());

        // Cashier line C-1 (High), C-2 (Medium), C-3 (Low): desks free at 0 (D-2) and 120 (D-1), each
        // patient holds one 180 s: 0, 120, 180 s (the higher-priority stretch is off by default).
        // Consultation line W-1..3: rooms free at 0 and 600, each patient holds one 900 s.
        viewer().get("/api/waiting-rooms/{q}/queue", q).then().statusCode(200)
                .body("cashierLine.patientId", contains("C-1", "C-2", "C-3"))
                .body("cashierLine.estimatedWaitSeconds", contains(0, 120, 180))
                .body("consultationLine.patientId", contains("W-1", "W-2", "W-3"))
                .body("consultationLine.estimatedWaitSeconds", contains(0, 600, 900))
                .body("paymentPending.patientId", contains("P"))
                .body("paymentPending[0].estimatedWaitSeconds", nullValue());
        viewer().get("/api/waiting-rooms/{q}/next-turn", q).then().statusCode(200)
                .body("nextForCashier.patientId", equalTo("C-1"))
                .body("nextForCashier.estimatedWaitSeconds", equalTo(0))
                .body("nextForConsultation.estimatedWaitSeconds", equalTo(0));

        // The API the display and the stream call: one call per view, on the view's connection.
        try (Connection c = dataSource.getConnection()) {
            WaitEstimates estimates = queries.estimates(c, q, NOW);
            assertEquals(Map.of("C-1", 0L, "C-2", 120L, "C-3", 180L), estimates.cashierLine());
            assertEquals(Map.of("W-1", 0L, "W-2", 600L, "W-3", 900L), estimates.consultationLine());
        }
    }

    @Test
    void aLineWithoutAnOpenStationHasNoEstimateAndAnUnmeasuredQueueUsesThePriors() throws Exception {
        String q = TestEvents.newQueueId("predict-none");
        TestEvents.Stream s = new TestEvents.Stream(q, NOW.minusSeconds(600)).created()
                .checkIn("A", "Ana", Priority.MEDIUM).checkIn("B", "Bea", Priority.MEDIUM)
                .add(new PatientCalledAtCashier(q, "A", "D-1")).paymentValidated("A", "PAY-A")
                .checkIn("C", "Cid", Priority.MEDIUM);
        events.publishAll(s.events);
        awaitVersion(q, s.events.size());

        // No room was ever activated: the consultation line has no estimate. D-1 is idle and open;
        // its one measured occupancy (1 ms) is the cashier mean.
        viewer().get("/api/waiting-rooms/{q}/queue", q).then().statusCode(200)
                .body("consultationLine.patientId", contains("A"))
                .body("consultationLine[0].estimatedWaitSeconds", nullValue())
                .body("cashierLine.patientId", contains("B", "C"))
                .body("cashierLine.estimatedWaitSeconds", contains(0, 0));
    }
}
