package io.raftlite.core.api;

/** STUB: replaced by the response part. Signatures are the contract. */
public final class ResponseWriter {

    private ResponseWriter() {
    }

    /** rqlite's JSON for a response, byte-for-byte where rqlite's docs show it. */
    public static byte[] write(Response response, RenderOptions options) {
        throw new UnsupportedOperationException("stub");
    }
}
