package com.waitingroom.fidelity;

import com.waitingroom.api.domain.Patient;
import com.waitingroom.api.domain.PatientStatus;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.projection.api.Views;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a waiting room looks like to its users, in one comparable value: both lines in serving
 * order (patient id and ticket number), who each line serves next, who is at which desk and room, every patient's state and visit,
 * and the counts. Built once from the aggregate and once from the read models.
 */
record Observation(List<String> cashierLine, List<String> consultationLine, List<String> paymentPending,
                   String nextForCashier, String nextForConsultation, Map<String, String> busyDesks,
                   Map<String, String> activeRooms, Map<String, String> patients, Map<String, Long> counts) {

    static Observation of(WaitingQueue queue) {
        List<String> cashierLine = ids(queue.line(PatientStatus.WAITING_FOR_CASHIER));
        List<String> consultationLine = ids(queue.line(PatientStatus.WAITING_FOR_CONSULTATION));
        Map<String, String> patients = new TreeMap<>();
        Map<String, Long> counts = emptyCounts();
        for (Patient patient : queue.patients()) {
            String state = projectionState(patient.status());
            patients.put(patient.patientId(), state + outcome(patient.status()) + "/visit " + patient.visit());
            counts.merge(countName(state), 1L, Long::sum);
        }
        return new Observation(cashierLine, consultationLine, ids(queue.line(PatientStatus.PAYMENT_PENDING)),
                first(cashierLine), first(consultationLine), new TreeMap<>(queue.busyDesks()),
                new TreeMap<>(queue.activeRooms()), patients, counts);
    }

    static Observation of(ProjectionUnderTest projection, String queueId, Instant now) throws Exception {
        Views.QueueState queue = projection.queries.queueState(queueId, now).orElseThrow(
                () -> new AssertionError("the projection does not know queue " + queueId));
        Views.NextTurn nextTurn = projection.queries.nextTurn(queueId, now).orElseThrow();
        Views.QueueMonitor monitor = projection.queries.monitor(queueId, now).orElseThrow();
        Map<String, String> desks = new TreeMap<>();
        for (Views.StationCall desk : nextTurn.cashierDesks()) {
            if (desk.patientId() != null) {
                desks.put(desk.stationId(), desk.patientId());
            }
        }
        Map<String, String> rooms = new TreeMap<>();
        for (Views.StationCall room : nextTurn.rooms()) {
            if (room.active()) {
                rooms.put(room.stationId(), room.patientId());
            }
        }
        Map<String, String> patients = new TreeMap<>();
        projection.patientRows(queueId).forEach((id, row) -> patients.put(id, row.get(0)
                + ("Cancelled".equals(row.get(0)) ? "(" + row.get(2) + ")" : "") + "/visit " + row.get(1)));
        Map<String, Long> counts = emptyCounts();
        counts.put("waitingForCashier", monitor.waitingForCashier());
        counts.put("atCashier", monitor.atCashier());
        counts.put("paymentPending", monitor.paymentPending());
        counts.put("waitingForConsultation", monitor.waitingForConsultation());
        counts.put("withRoom", monitor.withRoom());
        counts.put("inConsultation", monitor.inConsultation());
        counts.put("completed", monitor.completed());
        counts.put("cancelled", monitor.cancelled());
        counts.put("left", monitor.left());
        List<String> cashierLine = lineIds(queue.cashierLine());
        List<String> consultationLine = lineIds(queue.consultationLine());
        String nextForCashier = nextTurn.nextForCashier() == null ? null : nextTurn.nextForCashier().patientId();
        String nextForConsultation = nextTurn.nextForConsultation() == null ? null
                : nextTurn.nextForConsultation().patientId();
        if (!java.util.Objects.equals(nextForCashier, monitor.nextForCashier())
                || !java.util.Objects.equals(nextForConsultation, monitor.nextForConsultation())) {
            throw new AssertionError("next-turn and monitor disagree about who is next: " + nextTurn + " vs " + monitor);
        }
        Views.Display screen = projection.display.read(queueId, now).orElseThrow();
        if (!screenTickets(screen.cashierLine()).equals(lineTickets(queue.cashierLine()))
                || !screenTickets(screen.consultationLine()).equals(lineTickets(queue.consultationLine()))
                || screen.version() != queue.version()) {
            throw new AssertionError("the public screen disagrees with the queue view: " + screen + " vs " + queue);
        }
        return new Observation(cashierLine, consultationLine, lineIds(queue.paymentPending()), nextForCashier,
                nextForConsultation, desks, rooms, patients, counts);
    }

    /** The projection's name for an aggregate status (the two cancellations share one state). */
    static String projectionState(PatientStatus status) {
        return switch (status) {
            case WAITING_FOR_CASHIER -> "WaitingForCashier";
            case AT_CASHIER -> "AtCashier";
            case PAYMENT_PENDING -> "PaymentPending";
            case WAITING_FOR_CONSULTATION -> "WaitingForConsultation";
            case CLAIMED -> "Claimed";
            case CALLED_TO_CONSULTATION -> "Called";
            case IN_CONSULTATION -> "InConsultation";
            case FINISHED -> "Completed";
            case CANCELLED_BY_PAYMENT, CANCELLED_BY_ABSENCE -> "Cancelled";
            case LEFT -> "Left";
        };
    }

    /** The two cancellations share one projection state; their outcome tells them apart. */
    private static String outcome(PatientStatus status) {
        return switch (status) {
            case CANCELLED_BY_PAYMENT -> "(CancelledByPayment)";
            case CANCELLED_BY_ABSENCE -> "(CancelledByAbsence)";
            default -> "";
        };
    }

    private static String countName(String state) {
        return switch (state) {
            case "WaitingForCashier" -> "waitingForCashier";
            case "AtCashier" -> "atCashier";
            case "PaymentPending" -> "paymentPending";
            case "WaitingForConsultation" -> "waitingForConsultation";
            case "Claimed", "Called" -> "withRoom";
            case "InConsultation" -> "inConsultation";
            case "Completed" -> "completed";
            case "Cancelled" -> "cancelled";
            case "Left" -> "left";
            default -> throw new AssertionError("unknown state " + state);
        };
    }

    private static Map<String, Long> emptyCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String name : List.of("waitingForCashier", "atCashier", "paymentPending", "waitingForConsultation",
                "withRoom", "inConsultation", "completed", "cancelled", "left")) {
            counts.put(name, 0L);
        }
        return counts;
    }

    private static List<String> ids(List<Patient> patients) {
        return patients.stream().map(p -> p.patientId() + "#" + p.ticketNumber()).toList();
    }

    private static List<String> screenTickets(List<Views.DisplayTicket> line) {
        return line.stream().map(Views.DisplayTicket::ticketNumber).toList();
    }

    private static List<String> lineTickets(List<Views.WaitingPatient> line) {
        return line.stream().map(Views.WaitingPatient::ticketNumber).toList();
    }

    private static List<String> lineIds(List<Views.WaitingPatient> line) {
        for (int i = 0; i < line.size(); i++) {
            if (line.get(i).position() != i + 1) {
                throw new AssertionError("position " + line.get(i).position() + " at place " + (i + 1) + ": " + line);
            }
        }
        return line.stream().map(p -> p.patientId() + "#" + p.ticketNumber()).toList();
    }

    /** The patient id of the first entry ("id#ticket"). */
    private static String first(List<String> line) {
        return line.isEmpty() ? null : line.get(0).substring(0, line.get(0).indexOf('#'));
    }
}
