package com.waitingroom.api.domain;

import com.waitingroom.kernel.Priority;

/** A validated check-in command; build it with {@link #of} so every field obeys its rules. */
public record CheckIn(
        String patientId,
        String patientName,
        Priority requestedPriority,
        String consultationType,
        String notes,
        Integer age,
        boolean pregnant) {

    public static CheckIn of(String patientId, String patientName, String priority, String consultationType,
                             String notes, Integer age, Boolean pregnant) {
        InputRules rules = new InputRules();
        String id = rules.patientId("patientId", patientId);
        String name = rules.requiredText("patientName", patientName, 1, InputRules.NAME_MAX);
        Priority requested = rules.priority("priority", priority);
        String type = rules.requiredText("consultationType", consultationType,
                InputRules.CONSULTATION_TYPE_MIN, InputRules.CONSULTATION_TYPE_MAX);
        String cleanNotes = rules.optionalText("notes", notes, InputRules.FREE_TEXT_MAX);
        Integer cleanAge = rules.optionalAge("age", age);
        rules.throwIfInvalid();
        return new CheckIn(id, name, requested, type, cleanNotes, cleanAge, Boolean.TRUE.equals(pregnant));
    }

    /**
     * Pregnant patients, minors and patients over 65 are attended at least with High priority
     * (an Urgent request stays Urgent: the rule raises, never lowers).
     */
    public Priority effectivePriority() {
        boolean vulnerable = pregnant || (age != null && (age < 18 || age > 65));
        if (vulnerable && requestedPriority.level() < Priority.HIGH.level()) {
            return Priority.HIGH;
        }
        return requestedPriority;
    }
}
