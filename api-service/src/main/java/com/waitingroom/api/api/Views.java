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

    public record PatientView(String queueId, String patientId, String patientName, PatientStatus status,
                              Priority priority, Priority requestedPriority, String consultationType,
                              String notes, Integer age, boolean pregnant, String deskId, String roomId,
                              int paymentAttempts, int cashierAbsences, int consultationAbsences) {

        public static PatientView of(String queueId, Patient p) {
            return new PatientView(queueId, p.patientId(), p.name(), p.status(), p.priority(),
                    p.requestedPriority(), p.consultationType(), p.notes(), p.age(), p.pregnant(), p.deskId(),
                    p.roomId(), p.paymentAttempts(), p.cashierAbsences(), p.consultationAbsences());
        }
    }

    public record RoomView(String roomId, String patientId) {
    }

    public record QueueView(String queueId, String name, int maxCapacity, long version, long activePatients,
                            String cashierPatientId, List<String> waitingForCashier,
                            List<String> waitingForConsultation, List<RoomView> activeRooms) {

        public static QueueView of(WaitingQueue queue) {
            List<RoomView> rooms = new ArrayList<>();
            queue.activeRooms().forEach((roomId, patientId) -> rooms.add(new RoomView(roomId, patientId)));
            return new QueueView(queue.queueId(), queue.name(), queue.maxCapacity(), queue.version(),
                    queue.activePatientCount(), queue.cashierPatientId().orElse(null),
                    ids(queue.line(PatientStatus.WAITING_FOR_CASHIER)),
                    ids(queue.line(PatientStatus.WAITING_FOR_CONSULTATION)), rooms);
        }

        private static List<String> ids(List<Patient> patients) {
            return patients.stream().map(Patient::patientId).toList();
        }
    }
}
