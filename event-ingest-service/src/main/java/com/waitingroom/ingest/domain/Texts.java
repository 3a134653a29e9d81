package com.waitingroom.ingest.domain;

/** Checks shared by every text an event carries. */
final class Texts {

    private Texts() {
    }

    /** PostgreSQL text/jsonb cannot store NUL, and unpaired surrogates are not valid UTF-8. */
    static String illegalCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return "must not contain NUL characters";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired UTF-16 surrogate";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate";
            }
        }
        return null;
    }

    static String truncate(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "…";
    }
}
