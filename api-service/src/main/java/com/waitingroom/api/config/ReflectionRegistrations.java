package com.waitingroom.api.config;

import com.waitingroom.api.api.CommandResponse;
import com.waitingroom.api.api.Requests;
import com.waitingroom.api.api.Views;
import com.waitingroom.api.api.WaitingRoomResource;
import com.waitingroom.api.domain.FieldError;
import com.waitingroom.api.domain.QueueSnapshot;
import com.waitingroom.kernel.EventEnvelope;
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
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Types this service (de)serialises with its own ObjectMapper, and the resource whose methods'
 * {@code @RolesAllowed} lists {@code Caller} reads at run time: kept for native images. Priority's
 * {@code @JsonValue}/{@code @JsonCreator} methods too: without them a native image wrote "HIGH", not "High".
 */
@RegisterForReflection(targets = {
        EventEnvelope.class, Priority.class, WaitingQueueCreated.class, PatientCheckedIn.class, PatientCalledAtCashier.class,
        PatientPaymentValidated.class, PatientPaymentPending.class, PatientAbsentAtCashier.class,
        PatientCancelledByPayment.class, ConsultingRoomActivated.class, ConsultingRoomDeactivated.class,
        PatientClaimedForAttention.class, PatientCalled.class, PatientConsultationStarted.class,
        PatientAttentionCompleted.class, PatientAbsentAtConsultation.class, PatientCancelledByAbsence.class,
        PatientLeft.class, QueueSnapshot.class, QueueSnapshot.PatientState.class, QueueSnapshot.DeskState.class,
        QueueSnapshot.RoomState.class, CommandResponse.class, FieldError.class,
        Views.PatientView.class, Views.QueueView.class, Views.DeskView.class, Views.RoomView.class,
        Requests.CreateQueue.class, Requests.CheckIn.class, Requests.CallNextAtCashier.class,
        Requests.ValidatePayment.class, Requests.MarkPaymentPending.class, Requests.CancelByPayment.class,
        Requests.Leave.class, Requests.ClaimNextPatient.class, Requests.CompleteAttention.class,
        WaitingRoomResource.class})
public class ReflectionRegistrations {
}
