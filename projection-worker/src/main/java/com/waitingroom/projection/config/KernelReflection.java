package com.waitingroom.projection.config;

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

/** EventCodec (Jackson) reads and writes these reflectively; a native image must keep them. */
@RegisterForReflection(targets = {EventEnvelope.class, Priority.class, WaitingQueueCreated.class,
        PatientCheckedIn.class, PatientCalledAtCashier.class, PatientPaymentValidated.class,
        PatientPaymentPending.class, PatientAbsentAtCashier.class, PatientCancelledByPayment.class,
        ConsultingRoomActivated.class, ConsultingRoomDeactivated.class, PatientClaimedForAttention.class,
        PatientCalled.class, PatientConsultationStarted.class, PatientAttentionCompleted.class,
        PatientAbsentAtConsultation.class, PatientCancelledByAbsence.class, PatientLeft.class})
public final class KernelReflection {
    private KernelReflection() {
    }
}
