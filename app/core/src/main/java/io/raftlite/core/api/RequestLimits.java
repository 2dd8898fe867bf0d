package io.raftlite.core.api;

/**
 * How much one request body may ask the parser to build. Each bound keeps the parsed form of an 8 MiB body
 * within a few tens of MiB whatever its shape; a body past one is a 400 that names the bound.
 *
 * @param maxStatements             statements in one request. Each costs about 100 bytes beyond its text, and
 *                                  so would a million tiny ones: 100,000 keeps that under 10 MiB; larger
 *                                  batches are split by the client
 * @param maxParametersPerStatement parameters of one statement: SQLite's own maximum
 *                                  ({@code SQLITE_MAX_VARIABLE_NUMBER}, 32,766), past which it fails anyway
 * @param maxParametersPerRequest   parameters of all statements together: a named parameter costs up to
 *                                  ~150 bytes beyond its text, so 200,000 keep them under 30 MiB
 * @param maxBlobArrayElements      elements of one {@code [0-255, ...]} BLOB array; each costs one byte, and
 *                                  a larger BLOB is more compact as an {@code x'..'} hex string anyway
 */
public record RequestLimits(int maxStatements, int maxParametersPerStatement, int maxParametersPerRequest,
                            int maxBlobArrayElements) {

    /** The bounds every HTTP request gets. */
    public static final RequestLimits DEFAULT = new RequestLimits(100_000, 32_766, 200_000, 1 << 20);

    public RequestLimits {
        if (maxStatements < 1 || maxParametersPerStatement < 0 || maxParametersPerRequest < 0
                || maxBlobArrayElements < 0) {
            throw new IllegalArgumentException("request limits must be positive");
        }
    }
}
