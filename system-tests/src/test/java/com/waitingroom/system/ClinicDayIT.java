package com.waitingroom.system;

import com.waitingroom.system.StaffClient.Answer;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A clinic day through the packaged services with concurrent staff: 2 receptions check in 24
 * patients, 1 cashier (calling without naming a desk) takes payments, 4 consulting rooms attend
 * them, every command with If-Match and a retry on 409. At three points the pipeline is drained
 * and every projection view must say what the api (the aggregate) says: both lines in order, who is
 * next, desks and rooms, every patient's state, the counts, the history and each trajectory.
 */
class ClinicDayIT extends SuiteTest {

    private static final int PATIENTS = 24;
    private static final List<String> ROOMS = List.of("R1", "R2", "R3", "R4");
    private static final Duration DRAIN_WITHIN = Duration.ofSeconds(30);
    @Test
    void everyProjectionViewAgreesWithTheAggregateThroughAClinicDay() throws Exception {
        String queueId = "DAY-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        // One token per role: each command is allowed only to the role whose work it is.
        StaffClient reception = new StaffClient(suite.api.baseUrl(), queueId, suite.bearer("receptionist"));
        StaffClient cashierDesk = new StaffClient(suite.api.baseUrl(), queueId, suite.bearer("cashier"));
        StaffClient doctors = new StaffClient(suite.api.baseUrl(), queueId, suite.bearer("doctor"));
        assertEquals(201, reception.createQueue(50).status());
        for (String room : ROOMS) {
            assertEquals(200, doctors.command("PUT", "/rooms/" + room + "/activation", null).status());
        }
        ExecutorService pool = Executors.newFixedThreadPool(ROOMS.size() + 2);
        try {
            // 1) two receptions at once: the cashier line must be in the aggregate's order.
            List<Future<Void>> receptions = new ArrayList<>();
            for (int desk = 0; desk < 2; desk++) {
                int first = desk * PATIENTS / 2 + 1;
                receptions.add(pool.submit(() -> checkIn(reception, first, first + PATIENTS / 2)));
            }
            waitAll(receptions);
            Agreement afterCheckIns = assertAgreement(queueId);
            assertEquals(PATIENTS, afterCheckIns.cashierLine.size());

            // 2) the cashier serves 10 patients, with a pending payment and an absence among them.
            Cashier cashier = new Cashier(cashierDesk);
            cashier.serve(10);
            Agreement midday = assertAgreement(queueId);
            assertEquals(10, midday.consultationLine.size());
            assertEquals(1, StaffClient.getJson(suite.api.baseUrl() + "/api/waiting-rooms/" + queueId + "/patients/"
                    + cashier.requeued, reader()).getInt("cashierAbsences"), "the absent patient was requeued once");

            // 3) everyone through: cashier and four rooms at once, one patient absent once at a room.
            AtomicBoolean cashierDone = new AtomicBoolean();
            List<Future<Void>> staffAtWork = new ArrayList<>();
            staffAtWork.add(pool.submit(() -> {
                cashier.serve(Integer.MAX_VALUE);
                cashierDone.set(true);
                return null;
            }));
            AtomicBoolean absenceTaken = new AtomicBoolean();
            for (String room : ROOMS) {
                staffAtWork.add(pool.submit(() -> attend(doctors, room, cashierDone, absenceTaken)));
            }
            waitAll(staffAtWork);
            Agreement evening = assertAgreement(queueId);
            assertEquals(List.of(), evening.cashierLine);
            assertEquals(List.of(), evening.consultationLine);
            JsonPath monitor = projection(queueId, "/monitor");
            assertEquals(PATIENTS, monitor.getInt("completed"));
            // A screen's viewer token reads the lines, not patient-level data.
            String viewed = suite.projection.baseUrl() + "/api/waiting-rooms/" + queueId;
            assertEquals(200, StaffClient.status(viewed + "/queue", suite.bearer("viewer")));
            assertEquals(403, StaffClient.status(viewed + "/history", suite.bearer("viewer")));
            JsonPath history = projection(queueId, "/history?limit=200");
            List<String> finished = new ArrayList<>();
            for (int i = 1; i <= PATIENTS; i++) {
                finished.add(patient(i));
            }
            assertEquals(new java.util.TreeSet<>(finished),
                    new java.util.TreeSet<>(history.getList("attentions.patientId", String.class)), "history");
            assertEquals(java.util.Collections.nCopies(PATIENTS, "Discharged"),
                    history.getList("attentions.outcome", String.class), "every outcome as the rooms recorded it");
            // Audit: each step names the member of staff (token subject) and the role it acted under.
            assertEquals(java.util.Collections.nCopies(PATIENTS, "doctor"),
                    history.getList("attentions.actorRole", String.class), "every attention finished by a doctor");
            JsonPath trajectory = projection(queueId, "/patients/" + patient(1) + "/trajectory");
            List<String> types = trajectory.getList("visits.steps.flatten().eventType", String.class);
            List<String> actors = trajectory.getList("visits.steps.flatten().actor", String.class);
            List<String> roles = trajectory.getList("visits.steps.flatten().actorRole", String.class);
            for (int i = 0; i < types.size(); i++) {
                String expectedRole = switch (types.get(i)) {
                    case "PatientCheckedIn" -> "receptionist";
                    case "PatientCalledAtCashier", "PatientPaymentValidated", "PatientPaymentPending", "PatientCancelledByPayment",
                         "PatientAbsentAtCashier" -> "cashier";
                    default -> "doctor";
                };
                assertEquals(expectedRole, roles.get(i), types.get(i) + " acted under");
                assertEquals(expectedRole + "-test", actors.get(i), types.get(i) + " done by the token's subject");
            }
            assertEquals(true, types.size() >= 7, "patient 1's whole visit: " + types);
            System.out.printf("clinic day: %d patients, %d version conflicts retried%n", PATIENTS,
                    reception.conflicts.get() + cashierDesk.conflicts.get() + doctors.conflicts.get());
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ staff

    private static Void checkIn(StaffClient staff, int from, int toExclusive) throws Exception {
        String[] priorities = {"Low", "Medium", "High", "Urgent"};
        for (int i = from; i < toExclusive; i++) {
            String extra = i % 7 == 0 ? ",\"age\":72" : (i % 11 == 0 ? ",\"pregnant\":true" : "");
            String body = "{\"patientId\":\"" + patient(i) + "\",\"patientName\":\"Patient " + i + "\",\"priority\":\""
                    + priorities[i % priorities.length] + "\",\"consultationType\":\"General\"" + extra + "}";
            Answer answer = staff.post("/check-ins", body);
            assertEquals(201, answer.status(), () -> "check-in " + body + ": " + answer.body().prettify());
        }
        return null;
    }

    /** The one cashier: calls without a desk; the 2nd patient pays after a pending attempt, the 3rd is absent once. */
    private static final class Cashier {
        private final StaffClient staff;
        private int called;
        String requeued;

        Cashier(StaffClient staff) {
            this.staff = staff;
        }

        void serve(int patients) throws Exception {
            for (int served = 0; served < patients; ) {
                Answer call = staff.post("/cashier/next", null);
                if (call.status() == 422 && "NO_PATIENT_WAITING_FOR_CASHIER".equals(call.code())) {
                    return;
                }
                assertEquals(200, call.status(), () -> call.body().prettify());
                assertEquals("main", call.body().getString("deskId"), "a call without a desk uses the default desk");
                String patientId = call.body().getString("patientId");
                called++;
                if (called == 3) {
                    requeued = patientId;
                    assertEquals(200, staff.post("/patients/" + patientId + "/cashier-absence", null).status());
                    continue;
                }
                if (called == 2) {
                    assertEquals(200, staff.post("/patients/" + patientId + "/payment/pending",
                            "{\"reason\":\"card declined\"}").status());
                }
                Answer paid = staff.post("/patients/" + patientId + "/payment", "{\"paymentReference\":\"R-" + called + "\"}");
                assertEquals(200, paid.status(), () -> paid.body().prettify());
                served++;
            }
        }
    }

    private static Void attend(StaffClient staff, String room, AtomicBoolean cashierDone, AtomicBoolean absenceTaken)
            throws Exception {
        while (true) {
            Answer claim = staff.post("/attention/next", "{\"roomId\":\"" + room + "\"}");
            if (claim.status() == 422 && "NO_PATIENT_WAITING_FOR_CONSULTATION".equals(claim.code())) {
                if (cashierDone.get() && staff.post("/attention/next", "{\"roomId\":\"" + room + "\"}").status() == 422) {
                    return null;
                }
                Thread.sleep(20);
                continue;
            }
            assertEquals(200, claim.status(), () -> claim.body().prettify());
            String patientId = claim.body().getString("patientId");
            assertEquals(200, staff.post("/patients/" + patientId + "/call", null).status());
            if (absenceTaken.compareAndSet(false, true)) {
                assertEquals(200, staff.post("/patients/" + patientId + "/consultation-absence", null).status());
                continue;
            }
            assertEquals(200, staff.post("/patients/" + patientId + "/consultation", null).status());
            assertEquals(200, staff.post("/patients/" + patientId + "/completion", "{\"outcome\":\"Discharged\"}").status());
        }
    }

    // ------------------------------------------------------------------ agreement

    /** What both sides agreed on at one point. */
    private record Agreement(List<String> cashierLine, List<String> consultationLine) {
    }

    /** Waits until the projection applied the api's version, then compares every view. */
    private static Agreement assertAgreement(String queueId) throws Exception {
        JsonPath api = StaffClient.getJson(suite.api.baseUrl() + "/api/waiting-rooms/" + queueId, reader());
        long version = api.getLong("version");
        awaitProjectionAt(queueId, version);

        JsonPath queue = projection(queueId, "/queue");
        JsonPath nextTurn = projection(queueId, "/next-turn");
        JsonPath monitor = projection(queueId, "/monitor");
        List<String> cashierLine = api.getList("waitingForCashier", String.class);
        List<String> consultationLine = api.getList("waitingForConsultation", String.class);
        assertEquals(version, queue.getLong("version"));
        assertEquals(cashierLine, queue.getList("cashierLine.patientId", String.class), "cashier line order");
        assertEquals(consultationLine, queue.getList("consultationLine.patientId", String.class),
                "consultation line order");
        assertEquals(api.getList("paymentPending", String.class), queue.getList("paymentPending.patientId", String.class));
        assertEquals(first(cashierLine), nextTurn.getString("nextForCashier.patientId"), "next for the cashier");
        assertEquals(first(consultationLine), nextTurn.getString("nextForConsultation.patientId"),
                "next for consultation");
        assertEquals(first(cashierLine), monitor.getString("nextForCashier"));
        assertEquals(first(consultationLine), monitor.getString("nextForConsultation"));
        assertEquals(occupants(api.getList("cashierDesks"), "deskId"), busyStations(nextTurn.getList("cashierDesks")));
        assertEquals(occupants(api.getList("activeRooms"), "roomId"), activeStations(nextTurn.getList("rooms")));

        Map<String, Integer> statusCounts = new HashMap<>();
        List<Map<String, Object>> events = apiEvents(queueId);
        for (int i = 1; i <= PATIENTS; i++) {
            String patientId = patient(i);
            JsonPath patient = StaffClient.getJson(suite.api.baseUrl() + "/api/waiting-rooms/" + queueId
                    + "/patients/" + patientId, reader());
            String status = patient.getString("status");
            statusCounts.merge(status, 1, Integer::sum);
            JsonPath trajectory = projection(queueId, "/patients/" + patientId + "/trajectory");
            assertEquals(projectionState(status), trajectory.getString("state"), patientId + " state");
            assertEquals(patient.getInt("visit"), trajectory.getInt("visit"), patientId + " visit");
            assertEquals(eventTypesOf(events, patientId), trajectory.getList("visits.steps.flatten().eventType", String.class),
                    patientId + " trajectory = the api's events of that patient");
        }
        assertEquals(count(statusCounts, "WAITING_FOR_CASHIER"), monitor.getLong("waitingForCashier"));
        assertEquals(count(statusCounts, "AT_CASHIER"), monitor.getLong("atCashier"));
        assertEquals(count(statusCounts, "PAYMENT_PENDING"), monitor.getLong("paymentPending"));
        assertEquals(count(statusCounts, "WAITING_FOR_CONSULTATION"), monitor.getLong("waitingForConsultation"));
        assertEquals(count(statusCounts, "CLAIMED") + count(statusCounts, "CALLED_TO_CONSULTATION"),
                monitor.getLong("withRoom"));
        assertEquals(count(statusCounts, "IN_CONSULTATION"), monitor.getLong("inConsultation"));
        assertEquals(count(statusCounts, "FINISHED"), monitor.getLong("completed"));
        assertEquals(api.getLong("activePatients"), PATIENTS - monitor.getLong("completed")
                - monitor.getLong("cancelled") - monitor.getLong("left"));
        return new Agreement(cashierLine, consultationLine);
    }

    private static void awaitProjectionAt(String queueId, long version) throws Exception {
        long deadline = System.nanoTime() + DRAIN_WITHIN.toNanos();
        String url = suite.projection.baseUrl() + "/api/waiting-rooms/" + queueId + "/monitor";
        while (System.nanoTime() < deadline) {
            if (StaffClient.status(url, reader()) == 200 && StaffClient.getJson(url, reader()).getLong("version") >= version) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("projection did not reach version " + version + " within " + DRAIN_WITHIN
                + "\n--- projection-worker ---\n" + suite.projection.logTail()
                + "\n--- outbox-worker ---\n" + suite.outbox.logTail());
    }

    private static JsonPath projection(String queueId, String view) throws Exception {
        return StaffClient.getJson(suite.projection.baseUrl() + "/api/waiting-rooms/" + queueId + view, reader());
    }

    /**
     * The comparison reads as a member of staff: patient-level views (a patient's visit, trajectories,
     * history, the event stream) are not for a waiting-room screen's viewer token.
     */
    private static String reader() {
        return suite.bearer("receptionist");
    }

    private static List<Map<String, Object>> apiEvents(String queueId) throws Exception {
        return StaffClient.getJson(suite.api.baseUrl() + "/api/waiting-rooms/" + queueId + "/events?limit=10000", reader())
                .getList("$");
    }

    @SuppressWarnings("unchecked")
    private static List<String> eventTypesOf(List<Map<String, Object>> events, String patientId) {
        List<String> types = new ArrayList<>();
        for (Map<String, Object> event : events) {
            Map<String, Object> payload = (Map<String, Object>) event.get("payload");
            if (patientId.equals(payload.get("patientId"))) {
                types.add((String) event.get("eventType"));
            }
        }
        return types;
    }

    private static Map<String, String> occupants(List<Map<String, Object>> stations, String idField) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map<String, Object> station : stations) {
            result.put((String) station.get(idField), (String) station.get("patientId"));
        }
        return sorted(result);
    }

    private static Map<String, String> busyStations(List<Map<String, Object>> stations) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map<String, Object> station : stations) {
            if (station.get("patientId") != null) {
                result.put((String) station.get("stationId"), (String) station.get("patientId"));
            }
        }
        return sorted(result);
    }

    private static Map<String, String> activeStations(List<Map<String, Object>> stations) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map<String, Object> station : stations) {
            if (Boolean.TRUE.equals(station.get("active"))) {
                result.put((String) station.get("stationId"), (String) station.get("patientId"));
            }
        }
        return sorted(result);
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        return new java.util.TreeMap<>(map);
    }

    /** The projection's name for an aggregate status. */
    static String projectionState(String status) {
        return switch (status) {
            case "WAITING_FOR_CASHIER" -> "WaitingForCashier";
            case "AT_CASHIER" -> "AtCashier";
            case "PAYMENT_PENDING" -> "PaymentPending";
            case "WAITING_FOR_CONSULTATION" -> "WaitingForConsultation";
            case "CLAIMED" -> "Claimed";
            case "CALLED_TO_CONSULTATION" -> "Called";
            case "IN_CONSULTATION" -> "InConsultation";
            case "FINISHED" -> "Completed";
            case "CANCELLED_BY_PAYMENT", "CANCELLED_BY_ABSENCE" -> "Cancelled";
            case "LEFT" -> "Left";
            default -> throw new AssertionError("unknown status " + status);
        };
    }

    private static long count(Map<String, Integer> counts, String status) {
        return counts.getOrDefault(status, 0);
    }

    private static String first(List<String> line) {
        return line.isEmpty() ? null : line.get(0);
    }

    private static String patient(int i) {
        return String.format("P%02d", i);
    }

    private static void waitAll(List<Future<Void>> futures) throws Exception {
        for (Future<Void> future : futures) {
            future.get();
        }
    }
}
