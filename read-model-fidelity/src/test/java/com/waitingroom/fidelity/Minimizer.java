package com.waitingroom.fidelity;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shrinks a failing sequence to a 1-minimal one: removing any single step makes it pass. Chunks
 * are tried first (halves, quarters, …) so a long day shrinks in few replays. QuickTheories shrinks
 * each step's values well but seldom drops steps; this finishes the job once, after it.
 */
final class Minimizer {

    private Minimizer() {
    }

    static <T> List<T> minimize(List<T> failing, Predicate<List<T>> fails) {
        List<T> current = new ArrayList<>(failing);
        int chunk = Math.max(1, current.size() / 2);
        while (true) {
            boolean removed = false;
            for (int start = 0; start < current.size(); ) {
                List<T> candidate = new ArrayList<>(current.subList(0, start));
                candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                if (!candidate.isEmpty() && fails.test(candidate)) {
                    current = candidate;
                    removed = true;
                } else {
                    start += chunk;
                }
            }
            if (chunk == 1 && !removed) {
                return current;
            }
            if (!removed) {
                chunk = Math.max(1, chunk / 2);
            }
        }
    }
}
