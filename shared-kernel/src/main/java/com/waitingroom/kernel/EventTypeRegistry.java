package com.waitingroom.kernel;

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

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps event-type names (the wire name and routing key) to payload classes and schema versions.
 * A new event type is a new record in {@code events} plus one line in {@link #STANDARD_TYPES}.
 * Schema 2 of the line-entering events added {@code lineSequence} (and {@code visit} to check-ins),
 * and made the cashier desk always present; readers accept schema 1 (see {@link LineOrder}).
 */
public final class EventTypeRegistry {

    /** Every event type of the suite, with its current schema version. */
    public static final List<Registration> STANDARD_TYPES = List.of(
            new Registration(WaitingQueueCreated.class, 1),
            new Registration(PatientCheckedIn.class, 3),
            new Registration(PatientCalledAtCashier.class, 2),
            new Registration(PatientPaymentValidated.class, 2),
            new Registration(PatientPaymentPending.class, 1),
            new Registration(PatientAbsentAtCashier.class, 2),
            new Registration(PatientCancelledByPayment.class, 1),
            new Registration(ConsultingRoomActivated.class, 1),
            new Registration(ConsultingRoomDeactivated.class, 1),
            new Registration(PatientClaimedForAttention.class, 1),
            new Registration(PatientCalled.class, 1),
            new Registration(PatientConsultationStarted.class, 1),
            new Registration(PatientAttentionCompleted.class, 1),
            new Registration(PatientAbsentAtConsultation.class, 2),
            new Registration(PatientCancelledByAbsence.class, 1),
            new Registration(PatientLeft.class, 1));

    private static final EventTypeRegistry STANDARD = new EventTypeRegistry(STANDARD_TYPES);

    private final Map<String, Registration> byName = new LinkedHashMap<>();
    private final Map<Class<? extends DomainEvent>, Registration> byClass = new LinkedHashMap<>();

    public EventTypeRegistry(Collection<Registration> registrations) {
        for (Registration registration : registrations) {
            if (byName.putIfAbsent(registration.eventType(), registration) != null) {
                throw new IllegalArgumentException("event type registered twice: " + registration.eventType());
            }
            byClass.put(registration.payloadClass(), registration);
        }
    }

    public static EventTypeRegistry standard() {
        return STANDARD;
    }

    public Optional<Registration> find(String eventType) {
        return Optional.ofNullable(eventType == null ? null : byName.get(eventType));
    }

    public Registration require(String eventType) {
        return find(eventType).orElseThrow(() -> new UnknownEventTypeException(eventType, byName.keySet()));
    }

    public Registration require(Class<? extends DomainEvent> payloadClass) {
        Registration registration = byClass.get(payloadClass);
        if (registration == null) {
            throw new UnknownEventTypeException(payloadClass.getName(), byName.keySet());
        }
        return registration;
    }

    public Collection<Registration> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    /** One event type: its payload class, its wire name (the class's simple name) and schema version. */
    public record Registration(Class<? extends DomainEvent> payloadClass, int schemaVersion) {
        public String eventType() {
            return payloadClass.getSimpleName();
        }
    }
}
