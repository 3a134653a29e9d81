package com.waitingroom.kernel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** Clinical priority of a patient; a higher level is attended first. */
public enum Priority {
    LOW(1), MEDIUM(2), HIGH(3), URGENT(4);

    private final int level;

    Priority(int level) {
        this.level = level;
    }

    public int level() {
        return level;
    }

    @JsonCreator
    static Priority fromJson(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException(
                "unknown priority '" + text + "' (expected Low, Medium, High or Urgent)"));
    }

    /** Case-insensitive parse of Low/Medium/High/Urgent; empty for anything else. */
    public static Optional<Priority> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    /** The spelling used on the wire and in the API: "Low", "Medium", "High", "Urgent". */
    @JsonValue
    public String displayName() {
        String lower = name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }
}
