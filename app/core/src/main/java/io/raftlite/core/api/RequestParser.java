package io.raftlite.core.api;

import io.raftlite.core.command.Statement;
import io.raftlite.core.json.JsonException;
import io.raftlite.core.json.StrictUtf8;

import java.util.List;
import java.util.Locale;

/**
 * Turns an rqlite request body into statements ({@code rqlite:http/request_parser.go}): a JSON array whose
 * elements are SQL strings, {@code [sql, p1, p2, ...]} or {@code [sql, {"name": v, ...}]}, freely mixed; or,
 * with {@code Content-Type: text/plain}, the whole body as one statement.
 *
 * <p>Parameter values: integral numbers become {@link Long}, other numbers {@link Double}; booleans and
 * {@code null} pass through; a string {@code x'..'} of valid, even-length hex becomes a BLOB
 * ({@code byte[]}), any other string TEXT; an array of integers 0-255 becomes a BLOB. Anything else is a
 * 400, and so is every malformed body: this class throws nothing but {@link BadRequestException}.
 *
 * <p>Memory is bounded whatever the body: {@link StatementReader} streams the JSON and builds only what fits
 * the format and {@link RequestLimits}, refusing at the first token that does not.
 */
public final class RequestParser {

    private RequestParser() {
    }

    /** Parses a request body within {@link RequestLimits#DEFAULT}. */
    public static List<Statement> parse(byte[] body, String contentType) throws BadRequestException {
        return parse(body, contentType, RequestLimits.DEFAULT);
    }

    /** Parses a request body within {@code limits}, drawing nothing from a node-wide pool. */
    public static List<Statement> parse(byte[] body, String contentType, RequestLimits limits)
            throws BadRequestException {
        return parse(body, contentType, limits, ParseMeter.UNMETERED);
    }

    /**
     * Parses a request body: a JSON array of statements, or (text/plain) one statement, drawing each statement's
     * and parameter's heap from {@code meter} as it is built.
     */
    public static List<Statement> parse(byte[] body, String contentType, RequestLimits limits, ParseMeter meter)
            throws BadRequestException {
        if (body == null || body.length == 0) {
            throw new BadRequestException("no statements");
        }
        if (isTextPlain(contentType)) {
            try {
                meter.take(ParseMeter.STATEMENT_BYTES);
                return List.of(Statement.of(StrictUtf8.decode(body)));
            } catch (JsonException e) {
                throw new BadRequestException("invalid request: body is not valid UTF-8");
            }
        }
        return StatementReader.read(body, limits, meter);
    }

    /** The single statement of {@code GET /db/query?q=...}. */
    public static List<Statement> parseQueryParameter(String q) throws BadRequestException {
        if (q == null || q.isEmpty()) {
            throw new BadRequestException("query parameter not set");
        }
        return List.of(Statement.of(q));
    }

    /** True for {@code text/plain}, with or without parameters such as {@code ; charset=utf-8}. */
    public static boolean isTextPlain(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return mediaType.trim().toLowerCase(Locale.ROOT).equals("text/plain");
    }

    /** {@code x'0aFF'} or {@code X'0aFF'} as bytes; {@code null} when {@code s} is not such a literal. */
    static byte[] hexBlob(String s) {
        int n = s.length();
        if (n < 3 || (s.charAt(0) != 'x' && s.charAt(0) != 'X') || s.charAt(1) != '\'' || s.charAt(n - 1) != '\''
                || (n - 3) % 2 != 0) {
            return null;
        }
        byte[] bytes = new byte[(n - 3) / 2];
        for (int i = 0; i < bytes.length; i++) {
            int hi = hexDigit(s.charAt(2 + 2 * i));
            int lo = hexDigit(s.charAt(3 + 2 * i));
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes[i] = (byte) (hi << 4 | lo);
        }
        return bytes;
    }

    /** ASCII hex only: {@link Character#digit} would also take other scripts' digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
