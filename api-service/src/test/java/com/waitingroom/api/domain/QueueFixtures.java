package com.waitingroom.api.domain;

import com.waitingroom.kernel.DomainEvent;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Small builders and assertions shared by the aggregate's tests. */
final class QueueFixtures {

    private QueueFixtures() {
    }

    static CheckIn patient(String id, String priority) {
        return CheckIn.of(id, "Name " + id, priority, "General", null, null, false);
    }

    /** Queue Q1 (capacity 100) with the given patients checked in, in order: id, priority, id, priority... */
    static WaitingQueue queueWith(List<DomainEvent> history, String... patientsAndPriorities) {
        WaitingQueue queue = WaitingQueue.empty("Q1");
        history.addAll(queue.create("Clinic", 100));
        for (int i = 0; i < patientsAndPriorities.length; i += 2) {
            history.addAll(queue.checkIn(patient(patientsAndPriorities[i], patientsAndPriorities[i + 1])));
        }
        return queue;
    }

    static RuleViolationException assertRule(String code, Runnable command) {
        RuleViolationException e = assertThrows(RuleViolationException.class, command::run);
        assertEquals(code, e.code());
        return e;
    }

    static List<String> ids(List<Patient> patients) {
        return patients.stream().map(Patient::patientId).toList();
    }

    static List<String> cashierLine(WaitingQueue queue) {
        return ids(queue.line(PatientStatus.WAITING_FOR_CASHIER));
    }

    static List<String> consultationLine(WaitingQueue queue) {
        return ids(queue.line(PatientStatus.WAITING_FOR_CONSULTATION));
    }

    static PatientStatus status(WaitingQueue queue, String patientId) {
        return queue.patient(patientId).orElseThrow().status();
    }
}
