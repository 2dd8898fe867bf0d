package io.raftlite.core.api;

import io.raftlite.core.command.Statement;

import java.util.List;

/** STUB: replaced by the request part. Signatures are the contract. */
public final class RequestParser {

    private RequestParser() {
    }

    /** Parses a request body: a JSON array of statements, or (text/plain) one statement. */
    public static List<Statement> parse(byte[] body, String contentType) throws BadRequestException {
        throw new UnsupportedOperationException("stub");
    }
}
