package com.waitingroom.projection.api;

import com.waitingroom.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;

import java.util.List;

/**
 * Public views never show names: a caller with no staff role (a waiting-room screen's viewer token, which
 * sits on a public device) gets the lines with {@code patientName} null. Ticket numbers identify patients
 * on screens; staff roles and admin see names.
 */
final class PublicViews {

    private static final List<String> NAMED = List.of(Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN);

    private PublicViews() {
    }

    static boolean seesNames(SecurityIdentity caller) {
        for (String role : NAMED) {
            if (caller.hasRole(role)) {
                return true;
            }
        }
        return false;
    }

    static Views.QueueState withoutNames(Views.QueueState view) {
        return new Views.QueueState(view.queueId(), view.version(), unnamed(view.cashierLine()),
                unnamed(view.consultationLine()), unnamed(view.paymentPending()));
    }

    static Views.NextTurn withoutNames(Views.NextTurn view) {
        return new Views.NextTurn(view.queueId(), view.version(), unnamedCalls(view.rooms()),
                unnamedCalls(view.cashierDesks()), unnamed(view.nextForCashier()),
                unnamed(view.nextForConsultation()));
    }

    private static List<Views.WaitingPatient> unnamed(List<Views.WaitingPatient> line) {
        return line.stream().map(PublicViews::unnamed).toList();
    }

    private static Views.WaitingPatient unnamed(Views.WaitingPatient p) {
        return p == null ? null : new Views.WaitingPatient(p.position(), p.patientId(), p.ticketNumber(), null,
                p.priority(), p.state(), p.consultationType(), p.checkedInAt(), p.waitSeconds(),
                p.estimatedWaitSeconds());
    }

    private static List<Views.StationCall> unnamedCalls(List<Views.StationCall> calls) {
        return calls.stream().map(c -> new Views.StationCall(c.stationId(), c.active(), c.state(), c.patientId(),
                c.ticketNumber(), null, c.calledAt())).toList();
    }
}
