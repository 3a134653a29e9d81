package com.waitingroom.api.api;

import com.waitingroom.api.domain.Patient;
import com.waitingroom.api.domain.PatientStatus;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.kernel.Priority;

import java.util.ArrayList;
import java.util.List;

/** Read-your-writes views of the aggregate (the projection-worker serves the query side proper). */
public final class Views {

    private Views() {
    }

    public record PatientView(String queueId, String patientId, String patientName, String ticketNumber,
                              PatientStatus status,
                              Priority priority, Priority requestedPriority, String consultationType,
                              String notes, Integer age, boolean pregnant, int visit, String deskId, String roomId,
                              int paymentAttempts, int cashierAbsences, int consultationAbsences) {

        public static PatientView of(String queueId, Patient p) {
            return new PatientView(queueId, p.patientId(), p.name(), p.ticketNumber(), p.status(), p.priority(),
                    p.requestedPriority(), p.consultationType(), p.notes(), p.age(), p.pregnant(), p.visit(),
                    p.deskId(), p.roomId(), p.paymentAttempts(), p.cashierAbsences(), p.consultationAbsences());
        }
    }

    /** A busy cashier desk and the patient at it. */
    public record DeskView(String deskId, String patientId) {
    }

    public record RoomView(String roomId, String patientId) {
    }

    /**
     * The queue: busy cashier desks (desk-id order), both lines in the order the aggregate serves
     * them, the patients with a pending payment (who hold no desk) and the active rooms.
     */
    public record QueueView(String queueId, String name, int maxCapacity, long version, long activePatients,
                            List<DeskView> cashierDesks, List<String> waitingForCashier, List<String> paymentPending,
                            List<String> waitingForConsultation, List<RoomView> activeRooms) {

        public static QueueView of(WaitingQueue queue) {
            List<DeskView> desks = new ArrayList<>();
            queue.busyDesks().forEach((deskId, patientId) -> desks.add(new DeskView(deskId, patientId)));
            List<RoomView> rooms = new ArrayList<>();
            queue.activeRooms().forEach((roomId, patientId) -> rooms.add(new RoomView(roomId, patientId)));
            return new QueueView(queue.queueId(), queue.name(), queue.maxCapacity(), queue.version(),
                    queue.activePatientCount(), desks,
                    ids(queue.line(PatientStatus.WAITING_FOR_CASHIER)),
                    ids(queue.line(PatientStatus.PAYMENT_PENDING)),
                    ids(queue.line(PatientStatus.WAITING_FOR_CONSULTATION)), rooms);
        }

        private static List<String> ids(List<Patient> patients) {
            return patients.stream().map(Patient::patientId).toList();
        }
    }
}
