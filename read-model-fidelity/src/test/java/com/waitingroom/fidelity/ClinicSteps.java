package com.waitingroom.fidelity;

import com.waitingroom.fidelity.ClinicStep.Target;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.Arrays;
import java.util.List;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Generators of clinic days: sequences of every command, weighted so that a typical sequence
 * checks patients in, moves several through cashier desks and rooms, and hits absences, pending
 * payments, cancellations, leaving and second visits, with refused commands mixed in.
 */
final class ClinicSteps {

    private ClinicSteps() {
    }

    static Gen<ClinicDay> days(int maxSteps) {
        Gen<Boolean> legacy = Generate.frequency(Pair.of(3, Generate.constant(false)), Pair.of(1, Generate.constant(true)));
        return lists().of(step()).ofSizeBetween(1, maxSteps).zip(legacy, integers().between(1, 4), ClinicDay::new);
    }

    private static Pair<Integer, Gen<ClinicStep>> weighted(int weight, Gen<? extends ClinicStep> gen) {
        return Pair.of(weight, gen.map(step -> (ClinicStep) step));
    }

    static Gen<ClinicStep> step() {
        Gen<Integer> patient = integers().between(0, ClinicStep.PATIENT_POOL - 1);
        Gen<Integer> slot = integers().between(0, 5);
        Gen<Target> target = slot.zip(Generate.frequency(Pair.of(9, Generate.constant(true)),
                Pair.of(1, Generate.constant(false))), Target::new);
        Gen<String> priority = Generate.pick(List.of("Low", "Medium", "High", "Urgent"));
        Gen<Integer> age = Generate.pick(Arrays.asList(null, 8, 30, 45, 70));
        Gen<ClinicStep> checkIn = patient.zip(priority, age, Generate.frequency(Pair.of(5, Generate.constant(false)),
                Pair.of(1, Generate.constant(true))), ClinicStep.CheckInPatient::new);
        return Generate.frequency(List.of(
                weighted(8, checkIn),
                weighted(10, slot.map(ClinicStep.CallAtCashier::new)),
                weighted(8, target.map(ClinicStep.ValidatePayment::new)),
                weighted(4, target.map(ClinicStep.MarkPaymentPending::new)),
                weighted(3, target.map(ClinicStep.CancelByPayment::new)),
                weighted(3, target.map(ClinicStep.AbsentAtCashier::new)),
                weighted(5, slot.map(ClinicStep.ActivateRoom::new)),
                weighted(1, slot.map(ClinicStep.DeactivateRoom::new)),
                weighted(12, slot.map(ClinicStep.ClaimNext::new)),
                weighted(12, target.map(ClinicStep.CallToRoom::new)),
                weighted(12, target.map(ClinicStep.StartConsultation::new)),
                weighted(11, target.map(ClinicStep.Complete::new)),
                weighted(2, target.map(ClinicStep.AbsentAtConsultation::new)),
                weighted(2, target.map(ClinicStep.Leave::new))));
    }
}
