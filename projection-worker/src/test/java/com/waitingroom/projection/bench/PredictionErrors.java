package com.waitingroom.projection.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The samples of a run and their errors once the patients are called. A sample is one waiting patient
 * seen in one /queue response: the service's estimate and the two naive ones, all in simulated minutes.
 * A patient's stay in a line is a "stint" (an absence requeues: a new stint); a sample counts only if the
 * patient was still in that stint when it was taken, and is scored when the stint ends with a call.
 */
final class PredictionErrors {

    enum Line { CASHIER, CONSULTATION }

    record Sample(String patientId, Line line, int stint, double atMinute, double model, double naiveAhead,
                  double naivePerStation) {
    }

    private record Key(String patientId, Line line, int stint) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<Key, Double> calledAt = new HashMap<>();

    void sample(Sample sample) {
        samples.add(sample);
    }

    void called(String patientId, Line line, int stint, double atMinute) {
        calledAt.put(new Key(patientId, line, stint), atMinute);
    }

    /** Mean absolute errors (and mean signed errors) per line and overall, as printable lines. */
    List<String> report() {
        List<String> lines = new ArrayList<>();
        for (Line line : new Line[] {Line.CASHIER, Line.CONSULTATION, null}) {
            double[] absolute = new double[3];
            double[] signed = new double[3];
            double actualSum = 0;
            int n = 0;
            for (Sample s : samples) {
                Double called = calledAt.get(new Key(s.patientId(), s.line(), s.stint()));
                if (called == null || (line != null && s.line() != line)) {
                    continue;
                }
                double actual = called - s.atMinute();
                double[] estimates = {s.model(), s.naiveAhead(), s.naivePerStation()};
                for (int i = 0; i < 3; i++) {
                    absolute[i] += Math.abs(estimates[i] - actual);
                    signed[i] += estimates[i] - actual;
                }
                actualSum += actual;
                n++;
            }
            if (n == 0) {
                continue;
            }
            String name = line == null ? "all" : line.name().toLowerCase(Locale.ROOT);
            lines.add(String.format(Locale.ROOT,
                    "RESULT %-12s samples %5d  mean actual wait %6.2f min | MAE model %6.2f  naive(ahead x avg) %6.2f"
                            + "  naive(ahead x avg / open) %6.2f min | ratio model/naive %.2f  model/naive-per-station %.2f"
                            + " | bias model %+6.2f  naive %+6.2f  naive/open %+6.2f min",
                    name, n, actualSum / n, absolute[0] / n, absolute[1] / n, absolute[2] / n,
                    absolute[0] / absolute[1], absolute[0] / absolute[2], signed[0] / n, signed[1] / n, signed[2] / n));
        }
        return lines;
    }

    int samplesTaken() {
        return samples.size();
    }
}
