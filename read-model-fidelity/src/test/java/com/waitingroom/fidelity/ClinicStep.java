package com.waitingroom.fidelity;

import com.waitingroom.api.domain.CheckIn;
import com.waitingroom.api.domain.Patient;
import com.waitingroom.api.domain.PatientStatus;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.kernel.DomainEvent;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One generated staff action. Patient-directed steps name their patient by a {@link Target}
 * resolved against the aggregate when the step runs: mostly a patient in a state where the
 * command is legal (so sequences get deep into the flow), sometimes any patient of the pool
 * (mostly illegal commands, which must change nothing on either side).
 */
sealed interface ClinicStep {

    int PATIENT_POOL = 8;
    List<String> DESKS = List.of("", "D1", "D2");
    List<String> ROOMS = List.of("R1", "R2", "R3");

    /** The events the aggregate decides; a refused command throws a DomainException. */
    List<DomainEvent> runOn(WaitingQueue queue);

    static String patientId(int index) {
        return "P" + (Math.floorMod(index, PATIENT_POOL) + 1);
    }

    /** Which patient a step is about: aimed = one in a state the command accepts, else any of the pool. */
    record Target(int index, boolean aimed) {
        String resolve(WaitingQueue queue, Set<PatientStatus> legal) {
            if (aimed) {
                List<String> candidates = queue.patients().stream()
                        .filter(p -> legal.contains(p.status()))
                        .map(Patient::patientId)
                        .sorted(Comparator.naturalOrder())
                        .toList();
                if (!candidates.isEmpty()) {
                    return candidates.get(Math.floorMod(index, candidates.size()));
                }
            }
            return patientId(index);
        }

        @Override
        public String toString() {
            return (aimed ? "aimed#" : "P#") + index;
        }
    }

    record CheckInPatient(int patient, String priority, Integer age, boolean pregnant) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            String id = patientId(patient);
            return queue.checkIn(CheckIn.of(id, "Patient " + id, priority, "General", null, age, pregnant));
        }
    }

    record CallAtCashier(int desk) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            String deskId = DESKS.get(Math.floorMod(desk, DESKS.size()));
            return queue.callNextAtCashier(deskId.isEmpty() ? null : deskId);
        }
    }

    record ValidatePayment(Target target) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.validatePayment(target.resolve(queue, AT_CASHIER_OR_PENDING), "REF-" + target.index());
        }
    }

    record MarkPaymentPending(Target target) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.markPaymentPending(target.resolve(queue, AT_CASHIER_OR_PENDING), "card declined");
        }
    }

    record CancelByPayment(Target target) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.cancelByPayment(target.resolve(queue, EnumSet.of(PatientStatus.PAYMENT_PENDING)), "unpaid");
        }
    }

    record AbsentAtCashier(Target target) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.markAbsentAtCashier(target.resolve(queue, EnumSet.of(PatientStatus.AT_CASHIER)));
        }
    }

    record ActivateRoom(int room) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.activateRoom(ROOMS.get(Math.floorMod(room, ROOMS.size())));
        }
    }

    record DeactivateRoom(int room) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.deactivateRoom(ROOMS.get(Math.floorMod(room, ROOMS.size())));
        }
    }

    record ClaimNext(int room) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.claimNextPatient(ROOMS.get(Math.floorMod(room, ROOMS.size())));
        }
    }

    record CallToRoom(Target target) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.callPatient(target.resolve(queue, EnumSet.of(PatientStatus.CLAIMED)));
        }
    }

    record StartConsultation(Target target) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.startConsultation(target.resolve(queue, EnumSet.of(PatientStatus.CALLED_TO_CONSULTATION)));
        }
    }

    record Complete(Target target) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.completeAttention(target.resolve(queue, EnumSet.of(PatientStatus.IN_CONSULTATION)),
                    "Discharged", null);
        }
    }

    record AbsentAtConsultation(Target target) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.markAbsentAtConsultation(
                    target.resolve(queue, EnumSet.of(PatientStatus.CALLED_TO_CONSULTATION)));
        }
    }

    record Leave(Target target) implements ClinicStep {
        public List<DomainEvent> runOn(WaitingQueue queue) {
            return queue.leave(target.resolve(queue, EnumSet.of(PatientStatus.WAITING_FOR_CASHIER,
                    PatientStatus.AT_CASHIER, PatientStatus.PAYMENT_PENDING, PatientStatus.WAITING_FOR_CONSULTATION,
                    PatientStatus.CLAIMED, PatientStatus.CALLED_TO_CONSULTATION)), "gave up");
        }
    }

    Set<PatientStatus> AT_CASHIER_OR_PENDING = EnumSet.of(PatientStatus.AT_CASHIER, PatientStatus.PAYMENT_PENDING);
}
