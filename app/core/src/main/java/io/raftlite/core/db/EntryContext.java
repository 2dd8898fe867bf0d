package io.raftlite.core.db;

/**
 * What makes applying one log entry deterministic: every replica evaluates {@code 'now'},
 * {@code CURRENT_TIMESTAMP} and friends as {@code timestampMillis}, and {@code random()} /
 * {@code randomblob()} from a generator seeded with {@code seed}.
 */
public record EntryContext(long timestampMillis, long seed) {
}
