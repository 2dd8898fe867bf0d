package io.raftlite.core.api;

import java.util.Locale;

/** rqlite's read consistency levels; anything unknown or empty is {@link #WEAK}, as in rqlite. */
public enum ReadLevel {
    NONE, WEAK, STRONG, LINEARIZABLE, AUTO;

    public static ReadLevel parse(String value) {
        if (value == null) {
            return WEAK;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "strong" -> STRONG;
            case "linearizable" -> LINEARIZABLE;
            case "auto" -> AUTO;
            default -> WEAK;
        };
    }
}
