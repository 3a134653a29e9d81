package com.waitingroom.projection.domain;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.LineOrder;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.ConsultingRoomDeactivated;
import com.waitingroom.kernel.events.PatientAbsentAtCashier;
import com.waitingroom.kernel.events.PatientAbsentAtConsultation;
import com.waitingroom.kernel.events.PatientAttentionCompleted;
import com.waitingroom.kernel.events.PatientCalled;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.kernel.events.PatientCancelledByAbsence;
import com.waitingroom.kernel.events.PatientCancelledByPayment;
import com.waitingroom.kernel.events.PatientCheckedIn;
import com.waitingroom.kernel.events.PatientClaimedForAttention;
import com.waitingroom.kernel.events.PatientConsultationStarted;
import com.waitingroom.kernel.events.PatientLeft;
import com.waitingroom.kernel.events.PatientPaymentPending;
import com.waitingroom.kernel.events.PatientPaymentValidated;
import com.waitingroom.kernel.events.WaitingQueueCreated;

import java.time.Instant;

/**
 * Applies one event of a waiting queue to the in-memory rows of every read model. Pure (no I/O):
 * the store loads the rows before and saves the dirty ones after. Transitions are lenient on the
 * source state (the aggregate already validated the command); only references to things that
 * never existed (queue, patient) are rejected as inconsistent.
 *
 * <p>Line order is not decided here: every event that puts a patient in a line carries its line
 * sequence, and a schema-1 event without one draws from the queue's counter exactly as the
 * aggregate did ({@link LineOrder}).
 */
public final class ReadModelProjector {

    public void apply(ReadModelState state, EventEnvelope envelope, DomainEvent event) {
        String queueId = envelope.aggregateId();
        Instant at = envelope.occurredAt();
        long version = envelope.version();
        QueueRecord queue = state.queue(queueId);
        if (event instanceof WaitingQueueCreated created) {
            if (queue == null) {
                queue = new QueueRecord(queueId);
                state.queues.put(queueId, queue);
            }
            queue.name = created.name();
            queue.maxCapacity = created.maxCapacity();
            queue.createdAt = at;
        } else if (queue == null) {
            throw new InconsistentEventException(envelope.eventType() + " " + envelope.eventId()
                    + " for queue '" + queueId + "' that was never created");
        }
        queue.version = version;
        queue.dirty = true;

        if (event instanceof WaitingQueueCreated) {
            return;
        }
        if (event instanceof ConsultingRoomActivated activated) {
            StationRecord room = state.room(queueId, activated.roomId());
            room.active = true;
            if (room.patientId == null) {
                room.state = StationRecord.IDLE;
            }
            room.dirty = true;
            return;
        }
        if (event instanceof ConsultingRoomDeactivated deactivated) {
            StationRecord room = state.room(queueId, deactivated.roomId());
            room.active = false;
            if (room.patientId == null) {
                room.state = StationRecord.INACTIVE;
            }
            room.dirty = true;
            return;
        }
        if (event instanceof PatientCheckedIn checkedIn) {
            PatientRecord previous = state.patient(queueId, checkedIn.patientId());
            PatientRecord patient = new PatientRecord(queueId, checkedIn.patientId());
            Priority priority = checkedIn.priority();
            patient.patientName = checkedIn.patientName();
            patient.ticketNumber = checkedIn.ticketNumber();
            patient.priority = priority.displayName();
            patient.priorityLevel = priority.level();
            patient.requestedPriority = checkedIn.requestedPriority() == null ? null
                    : checkedIn.requestedPriority().displayName();
            patient.consultationType = checkedIn.consultationType();
            patient.notes = checkedIn.notes();
            patient.state = PatientState.WaitingForCashier;
            patient.checkedInAt = at;
            patient.checkInVersion = version;
            patient.visit = visitOf(checkedIn, previous);
            placeInLine(queue, patient, checkedIn.lineSequence());
            patient.dirty = true;
            if (previous != null) {
                releaseDesk(state, previous);
                releaseRoom(state, previous);
            }
            // A re-check-in after a finished visit starts a fresh row (same key); the earlier
            // visits' steps stay in patient_steps.
            state.patients.put(new ReadModelState.Key(queueId, checkedIn.patientId()), patient);
            queue.lastCheckInAt = at;
            step(state, envelope, patient, "priority=" + patient.priority);
            return;
        }
        applyPatientEvent(state, envelope, event, queue, at);
    }

    /** The visit the event carries; a schema-1 check-in follows the previous visit of that patient. */
    private static int visitOf(PatientCheckedIn checkedIn, PatientRecord previous) {
        if (checkedIn.visit() != null) {
            return checkedIn.visit();
        }
        return previous == null ? 1 : previous.visit + 1;
    }

    /** The patient enters a line at the sequence its event carries (or the counter's, for schema 1). */
    private static void placeInLine(QueueRecord queue, PatientRecord patient, Long carried) {
        patient.lineSequence = LineOrder.resolve(carried, queue.nextLineSequence);
        queue.nextLineSequence = LineOrder.advance(queue.nextLineSequence, patient.lineSequence);
    }

    private void applyPatientEvent(ReadModelState state, EventEnvelope envelope, DomainEvent event,
                                   QueueRecord queue, Instant at) {
        String queueId = queue.queueId;
        String patientId = envelope.payload().path("patientId").asText(null);
        PatientRecord patient = patientId == null ? null : state.patient(queueId, patientId);
        if (patient == null) {
            throw new InconsistentEventException(envelope.eventType() + " " + envelope.eventId()
                    + " for patient '" + patientId + "' who never checked in to queue '" + queueId + "'");
        }
        patient.dirty = true;
        String detail = null;
        if (event instanceof PatientCalledAtCashier called) {
            releaseDesk(state, patient);
            String deskId = called.deskOrDefault();
            StationRecord desk = state.desk(queueId, deskId);
            desk.state = StationRecord.CALLING;
            desk.patientId = patient.patientId;
            desk.calledAt = at;
            desk.dirty = true;
            patient.state = PatientState.AtCashier;
            patient.deskId = deskId;
            patient.calledAt = at;
        } else if (event instanceof PatientPaymentValidated validated) {
            releaseDesk(state, patient);
            patient.state = PatientState.WaitingForConsultation;
            placeInLine(queue, patient, validated.lineSequence());
            detail = "paymentReference=" + validated.paymentReference();
        } else if (event instanceof PatientPaymentPending pending) {
            // A pending payment never holds the desk: the cashier calls the next patient meanwhile.
            releaseDesk(state, patient);
            patient.state = PatientState.PaymentPending;
            patient.paymentAttempts = pending.attempt();
            detail = "attempt=" + pending.attempt() + (pending.reason() == null ? "" : ", reason=" + pending.reason());
        } else if (event instanceof PatientAbsentAtCashier absent) {
            releaseDesk(state, patient);
            patient.state = PatientState.WaitingForCashier;
            placeInLine(queue, patient, absent.lineSequence());
            patient.absences++;
            detail = "retry=" + absent.retryNumber();
        } else if (event instanceof PatientCancelledByPayment cancelled) {
            releaseDesk(state, patient);
            finish(patient, at, "CancelledByPayment", cancelled.reason(), PatientState.Cancelled);
            detail = cancelled.reason();
        } else if (event instanceof PatientClaimedForAttention claimed) {
            releaseRoom(state, patient);
            StationRecord room = state.room(queueId, claimed.roomId());
            room.state = StationRecord.CLAIMED;
            room.patientId = patient.patientId;
            room.dirty = true;
            patient.state = PatientState.Claimed;
            patient.roomId = claimed.roomId();
        } else if (event instanceof PatientCalled called) {
            if (!called.roomId().equals(patient.roomId)) {
                releaseRoom(state, patient);
            }
            StationRecord room = state.room(queueId, called.roomId());
            room.state = StationRecord.CALLING;
            room.patientId = patient.patientId;
            room.calledAt = at;
            room.dirty = true;
            patient.state = PatientState.Called;
            patient.roomId = called.roomId();
            patient.calledAt = at;
        } else if (event instanceof PatientConsultationStarted started) {
            StationRecord room = state.room(queueId, started.roomId());
            room.state = StationRecord.IN_CONSULTATION;
            room.patientId = patient.patientId;
            room.dirty = true;
            patient.state = PatientState.InConsultation;
            patient.roomId = started.roomId();
            patient.consultationStartedAt = at;
        } else if (event instanceof PatientAttentionCompleted completed) {
            releaseRoom(state, patient);
            finish(patient, at, completed.outcome() == null ? "Completed" : completed.outcome(), completed.notes(),
                    PatientState.Completed);
            detail = "outcome=" + patient.outcome;
        } else if (event instanceof PatientAbsentAtConsultation absent) {
            releaseRoom(state, patient);
            patient.state = PatientState.WaitingForConsultation;
            patient.roomId = null;
            placeInLine(queue, patient, absent.lineSequence());
            patient.absences++;
            detail = "retry=" + absent.retryNumber();
        } else if (event instanceof PatientCancelledByAbsence cancelled) {
            releaseDesk(state, patient);
            releaseRoom(state, patient);
            finish(patient, at, "CancelledByAbsence", null, PatientState.Cancelled);
        } else if (event instanceof PatientLeft left) {
            releaseDesk(state, patient);
            releaseRoom(state, patient);
            finish(patient, at, "Left", left.reason(), PatientState.Left);
            detail = left.reason();
        } else {
            throw new InconsistentEventException("no read-model handler for " + envelope.eventType());
        }
        step(state, envelope, patient, detail);
    }

    private static void finish(PatientRecord patient, Instant at, String outcome, String notes, PatientState state) {
        patient.state = state;
        patient.finishedAt = at;
        patient.outcome = outcome;
        if (notes != null) {
            patient.notes = notes;
        }
    }

    private static void releaseDesk(ReadModelState state, PatientRecord patient) {
        StationRecord desk = state.existingDesk(patient.queueId, patient.deskId);
        if (desk != null) {
            desk.release(patient.patientId);
        }
        patient.deskId = null;
    }

    private static void releaseRoom(ReadModelState state, PatientRecord patient) {
        StationRecord room = state.existingRoom(patient.queueId, patient.roomId);
        if (room != null) {
            room.release(patient.patientId);
        }
    }

    private static void step(ReadModelState state, EventEnvelope envelope, PatientRecord patient, String detail) {
        state.steps.add(new TrajectoryStep(patient.queueId, envelope.version(), patient.patientId, patient.visit,
                envelope.eventType(), envelope.occurredAt(), patient.state, patient.roomId, patient.deskId, detail,
                envelope.actor(), envelope.actorRole()));
    }
}
