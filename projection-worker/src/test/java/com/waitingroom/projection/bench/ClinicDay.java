package com.waitingroom.projection.bench;

import java.util.List;
import java.util.Random;

/**
 * The known distributions of a generated clinic day, in simulated minutes (seeded: a run is
 * reproducible up to the real services' timing). Poisson arrivals, a share of priority patients,
 * consultation types with different lognormal durations, some absences and pending payments, and the
 * hours of each desk and room.
 */
final class ClinicDay {

    /** A consultation type, its share of the arrivals and the mean of its lognormal duration. */
    record ConsultationType(String name, double share, double meanMinutes) {
    }

    /** A station's opening hours [opensAt, closesAt) in simulated minutes (a room closes once free). */
    record Hours(String id, double opensAt, double closesAt) {
    }

    static final List<ConsultationType> TYPES = List.of(new ConsultationType("General", 0.60, 8),
            new ConsultationType("Pediatrics", 0.25, 12), new ConsultationType("Cardiology", 0.15, 20));
    static final double CASHIER_MEAN_MINUTES = 3;
    static final double SIGMA = 0.5;             // lognormal shape of every service time
    static final double WALK_MINUTES = 0.5;      // called -> consultation started
    static final double ABSENCE_NOTICED_MINUTES = 1;
    static final double CASHIER_ABSENT_SHARE = 0.05;
    static final double PAYMENT_PENDING_SHARE = 0.05;
    static final double CONSULTATION_ABSENT_SHARE = 0.04;
    static final double URGENT_SHARE = 0.05;
    static final double HIGH_SHARE = 0.10;

    final double arrivalsPerMinute;
    final double dayMinutes;
    final List<Hours> desks;
    final List<Hours> rooms;
    private final Random random;

    ClinicDay(long seed, double arrivalsPerMinute, double dayMinutes) {
        this.random = new Random(seed);
        this.arrivalsPerMinute = arrivalsPerMinute;
        this.dayMinutes = dayMinutes;
        double day = dayMinutes;
        this.desks = List.of(new Hours("D-1", 0, Double.MAX_VALUE), new Hours("D-2", 0, Double.MAX_VALUE),
                new Hours("D-3", day * 0.125, day * 0.5));
        this.rooms = List.of(new Hours("R-1", 0, Double.MAX_VALUE), new Hours("R-2", 0, Double.MAX_VALUE),
                new Hours("R-3", 0, day * 0.85), new Hours("R-4", day * 0.25, day * 0.7));
    }

    double nextArrivalGap() {
        return -Math.log(1 - random.nextDouble()) / arrivalsPerMinute;
    }

    String priority() {
        double r = random.nextDouble();
        return r < URGENT_SHARE ? "Urgent" : r < URGENT_SHARE + HIGH_SHARE ? "High" : "Medium";
    }

    ConsultationType consultationType() {
        double r = random.nextDouble();
        double cumulated = 0;
        for (ConsultationType type : TYPES) {
            cumulated += type.share();
            if (r < cumulated) {
                return type;
            }
        }
        return TYPES.get(0);
    }

    double cashierMinutes() {
        return lognormal(CASHIER_MEAN_MINUTES);
    }

    double consultationMinutes(ConsultationType type) {
        return lognormal(type.meanMinutes());
    }

    double pendingPaymentMinutes() {
        return 5 + random.nextDouble() * 10;
    }

    boolean chance(double share) {
        return random.nextDouble() < share;
    }

    /** Lognormal with the given mean: exp(mu + sigma Z), mu = ln(mean) - sigma^2 / 2. */
    private double lognormal(double mean) {
        double mu = Math.log(mean) - SIGMA * SIGMA / 2;
        return Math.exp(mu + SIGMA * random.nextGaussian());
    }
}
