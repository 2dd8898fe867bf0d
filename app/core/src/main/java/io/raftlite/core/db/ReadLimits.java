package io.raftlite.core.db;

import java.time.Duration;
import java.util.Objects;

/**
 * What bounds a read in time and memory; see the package documentation ("Reads") for the design.
 *
 * @param defaultTimeout   {@code db_timeout} of a read that gives none (rqlite has no default: an endless
 *                         query would hold a connection for ever)
 * @param maxTimeout       a larger {@code db_timeout} is lowered to this
 * @param connectionWait   how long a read waits for a free connection before it is refused as busy
 * @param maxResultBytes   result bytes one request may hold (counted by {@link ResultBudget}: estimated heap
 *                         while held and rendered); read connections' {@code SQLITE_LIMIT_LENGTH} is an
 *                         eighth of it, so no single value that could not fit ever reaches the heap
 * @param maxInFlightBytes result bytes all reads of this node may hold at once
 */
public record ReadLimits(Duration defaultTimeout, Duration maxTimeout, Duration connectionWait,
                         long maxResultBytes, long maxInFlightBytes) {

    /** Extra connections that serve short statements while every pooled connection is busy. */
    public static final int SHORT_LANE_CONNECTIONS = 2;
    /** A statement on the short lane that runs longer is stopped and its request queued for the pool. */
    public static final Duration SHORT_LANE_TIMEOUT = Duration.ofMillis(100);

    public static final ReadLimits DEFAULT = new ReadLimits(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofSeconds(2), 8L << 20, 16L << 20);

    public ReadLimits {
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        Objects.requireNonNull(maxTimeout, "maxTimeout");
        Objects.requireNonNull(connectionWait, "connectionWait");
        if (defaultTimeout.isNegative() || defaultTimeout.isZero() || maxTimeout.compareTo(defaultTimeout) < 0) {
            throw new IllegalArgumentException("need 0 < defaultTimeout <= maxTimeout, got " + defaultTimeout
                    + " and " + maxTimeout);
        }
        if (connectionWait.isNegative()) {
            throw new IllegalArgumentException("connectionWait must not be negative");
        }
        if (maxResultBytes < 1024 || maxResultBytes > 1_000_000_000L || maxInFlightBytes < maxResultBytes) {
            throw new IllegalArgumentException("need 1 KiB <= maxResultBytes <= 1e9 and maxInFlightBytes >= it, got "
                    + maxResultBytes + " and " + maxInFlightBytes);
        }
    }

    /** The limit a read runs under: the default when none (or zero) was asked for, at most {@link #maxTimeout}. */
    public Duration timeoutFor(Duration requested) {
        if (requested == null || requested.isZero() || requested.isNegative()) {
            return defaultTimeout;
        }
        return requested.compareTo(maxTimeout) > 0 ? maxTimeout : requested;
    }
}
