package com.waitingroom.api.domain;

import com.waitingroom.kernel.Priority;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Format rules of command input. Collects every broken rule of a request so the client sees all
 * of them at once; {@link #throwIfInvalid()} turns them into one {@link InvalidCommandException}.
 */
public final class InputRules {

    public static final int PATIENT_ID_MAX = 20;
    public static final int RESOURCE_ID_MAX = 64;
    public static final int NAME_MAX = 200;
    public static final int CONSULTATION_TYPE_MIN = 2;
    public static final int CONSULTATION_TYPE_MAX = 100;
    public static final int FREE_TEXT_MAX = 1000;
    public static final int SHORT_TEXT_MAX = 200;
    public static final int MAX_AGE = 150;
    public static final int MAX_QUEUE_CAPACITY = 100_000;

    private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9.-]+");
    private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9._-]+");

    private final List<FieldError> errors = new ArrayList<>();

    public void reject(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** Trimmed, upper-cased patient id of at most 20 characters of [A-Za-z0-9.-]. */
    public String patientId(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            reject(field, "is required");
            return null;
        }
        String id = raw.trim().toUpperCase(Locale.ROOT);
        if (id.length() > PATIENT_ID_MAX || !PATIENT_ID.matcher(id).matches()) {
            reject(field, "must be 1 to " + PATIENT_ID_MAX + " characters of letters, digits, '.' or '-'");
            return null;
        }
        return id;
    }

    /** Ids of queues, rooms and desks: 1 to 64 characters of [A-Za-z0-9._-], case kept. */
    public String resourceId(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            reject(field, "is required");
            return null;
        }
        String id = raw.trim();
        if (id.length() > RESOURCE_ID_MAX || !RESOURCE_ID.matcher(id).matches()) {
            reject(field, "must be 1 to " + RESOURCE_ID_MAX + " characters of letters, digits, '.', '_' or '-'");
            return null;
        }
        return id;
    }

    public String optionalResourceId(String field, String raw) {
        return raw == null || raw.isBlank() ? null : resourceId(field, raw);
    }

    public String requiredText(String field, String raw, int min, int max) {
        String text = raw == null ? "" : raw.trim();
        if (text.isEmpty()) {
            reject(field, "is required");
            return null;
        }
        if (text.length() < min || text.length() > max) {
            reject(field, "must be " + min + " to " + max + " characters");
            return null;
        }
        return text;
    }

    /** Blank means absent. */
    public String optionalText(String field, String raw, int max) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String text = raw.trim();
        if (text.length() > max) {
            reject(field, "must be at most " + max + " characters");
            return null;
        }
        return text;
    }

    public Priority priority(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            reject(field, "is required");
            return null;
        }
        return Priority.parse(raw).orElseGet(() -> {
            reject(field, "must be one of Low, Medium, High, Urgent");
            return null;
        });
    }

    public Integer optionalAge(String field, Integer age) {
        if (age != null && (age < 0 || age > MAX_AGE)) {
            reject(field, "must be between 0 and " + MAX_AGE);
            return null;
        }
        return age;
    }

    public int capacity(String field, Integer capacity) {
        if (capacity == null) {
            return WaitingQueue.DEFAULT_CAPACITY;
        }
        if (capacity < 1 || capacity > MAX_QUEUE_CAPACITY) {
            reject(field, "must be between 1 and " + MAX_QUEUE_CAPACITY);
        }
        return capacity;
    }

    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw new InvalidCommandException(errors);
        }
    }
}
