package io.raftlite.core.store;

/**
 * Every size limit Ratis puts on one log entry, derived from the largest command this node submits, so that
 * any command the store accepts fits in one entry on the leader and on every follower, and anything larger is
 * refused before it reaches Ratis ({@link StoreException.Reason#TOO_LARGE}) instead of failing inside it.
 *
 * <p>In Ratis 3.2.2 one key, {@code raft.server.log.appender.buffer.byte-limit}, is at once the largest entry
 * the leader appends ({@code RaftLogBase}: "Log entry size N exceeds the max buffer limit"), the largest entry a
 * node reads back from its log at a restart ({@code SegmentedRaftLogCache} passes it as the reader's max op
 * size) and the most entry bytes one AppendEntries RPC carries. It allocates nothing itself. The log worker's
 * write buffer must hold one entry plus its length and checksum (Ratis checks {@code buffer ≥ limit + 8} at
 * start) and is <b>allocated up front</b>, as a direct buffer of exactly that size, once per node: it is the
 * one limit that costs memory whether or not a large entry ever comes. The gRPC message size is a ceiling
 * (nothing is preallocated) that Ratis wants at least 1 MB above the appender limit. A log segment is not a
 * limit: an entry larger than a segment is written into a segment of its own.
 *
 * <p>The limits never drop below Ratis' own defaults (4 MB entries): entries written by an earlier version or
 * with a larger setting must stay readable at a restart, because a node that cannot read its log cannot start.
 * For the same reason every node of a cluster must use the same largest command: a follower with a smaller
 * write buffer than the leader's entry could not store it.
 *
 * @param maxCommandBytes   the largest encoded command (or group of commands) the store submits
 * @param maxEntryBytes     Ratis' appender buffer byte limit: the command plus the log entry's own fields
 * @param writeBufferBytes  the log worker's write buffer (direct memory, allocated at start)
 * @param grpcMessageBytes  the largest gRPC message a node sends or accepts
 * @param logCacheBytes     Ratis keeps appended entries in the heap ({@code raft.server.log.segment.cache.size.max},
 *                          200 MB by default, and up to 6 closed segments besides the open one); above this it
 *                          drops those of closed segments that every follower has and that are applied. Room for
 *                          two of the largest entries, so that a few large writes in a row cannot fill a small heap
 */
record EntryLimits(long maxCommandBytes, long maxEntryBytes, long writeBufferBytes, long grpcMessageBytes,
                   long logCacheBytes) {

    /** The HTTP layer's default largest body (4 MiB) plus headroom, for stores built without a limit of their own. */
    static final long DEFAULT_MAX_COMMAND_BYTES = (4L << 20) + (64L << 10);
    /** What a command adds around a request's bytes: kind, flags, time, seed, lengths (tens of bytes). */
    static final long COMMAND_HEADROOM_BYTES = 64L << 10;
    /** Ratis' default appender buffer byte limit: the floor, so logs it wrote stay readable. */
    static final long RATIS_DEFAULT_ENTRY_BYTES = 4L << 20;
    /**
     * What a log entry adds to the command it carries: term, index, client id, call id and the protobuf tags
     * and lengths around the data, well under 100 bytes in Ratis 3.2.2; 4 KiB leaves room for any version.
     */
    static final long ENTRY_OVERHEAD_BYTES = 4L << 10;
    /** The write buffer holds one entry plus its length prefix (at most 5 bytes) and 4-byte checksum. */
    static final long WRITE_BUFFER_EXTRA_BYTES = 16;
    /** Ratis' default gRPC message size, kept unless the entry limit needs more ... */
    static final long RATIS_DEFAULT_GRPC_MESSAGE_BYTES = 64L << 20;
    /** ... and the margin Ratis requires between that and the appender limit ({@code GrpcServicesImpl}). */
    static final long GRPC_MARGIN_BYTES = 2L << 20;
    /** Ratis keeps sizes in an int. */
    static final long MAX_COMMAND_BYTES = Integer.MAX_VALUE - RATIS_DEFAULT_GRPC_MESSAGE_BYTES;

    EntryLimits {
        if (maxCommandBytes < 1 || maxEntryBytes < maxCommandBytes + ENTRY_OVERHEAD_BYTES
                || writeBufferBytes < maxEntryBytes + 8 || grpcMessageBytes < maxEntryBytes + (1L << 20)) {
            throw new IllegalArgumentException("inconsistent entry limits: " + maxCommandBytes + " command, "
                    + maxEntryBytes + " entry, " + writeBufferBytes + " write buffer, " + grpcMessageBytes + " message");
        }
        if (logCacheBytes < maxEntryBytes) {
            throw new IllegalArgumentException("log cache of " + logCacheBytes + " bytes holds no largest entry");
        }
    }

    /** The limits for commands of up to {@code maxCommandBytes} encoded bytes. */
    static EntryLimits forCommand(long maxCommandBytes) {
        if (maxCommandBytes < 1 || maxCommandBytes > MAX_COMMAND_BYTES) {
            throw new IllegalArgumentException("largest command must be between 1 and " + MAX_COMMAND_BYTES
                    + " bytes, got " + maxCommandBytes);
        }
        long entry = Math.max(RATIS_DEFAULT_ENTRY_BYTES, maxCommandBytes + ENTRY_OVERHEAD_BYTES);
        long message = Math.max(RATIS_DEFAULT_GRPC_MESSAGE_BYTES, entry + GRPC_MARGIN_BYTES);
        return new EntryLimits(maxCommandBytes, entry, entry + WRITE_BUFFER_EXTRA_BYTES, message, 2 * entry);
    }

    /** The refusal of a command of {@code bytes} encoded bytes, or null when it fits. */
    StoreException refusal(long bytes) {
        if (bytes <= maxCommandBytes) {
            return null;
        }
        return new StoreException(StoreException.Reason.TOO_LARGE, "request too large: it encodes to " + bytes
                + " bytes, and one write may take at most " + maxCommandBytes, null);
    }
}
