package io.raftlite.core.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.raftlite.core.command.Statement;
import io.raftlite.core.json.JsonException;
import io.raftlite.core.json.StrictJson;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads rqlite's JSON request body token by token, building statements as it goes: a token that does not
 * fit the format, or one past a {@link RequestLimits} bound, stops the building there, so nothing of a
 * wrongly shaped body (a million {@code {}}, a million-deep {@code [[[[}) is ever built. The rest of the
 * body is then only checked as JSON, without allocating, because rqlite reads the JSON first: an invalid
 * body is {@code invalid JSON body} whatever its shape.
 */
final class StatementReader {

    /** Nesting accepted while checking the rest of a refused body; the format itself needs four levels. */
    private static final int MAX_DEPTH = 64;

    private final JsonParser p;
    private final RequestLimits limits;
    private final ParseMeter meter;
    private int statementNumber;
    private int parametersInRequest;

    private StatementReader(JsonParser p, RequestLimits limits, ParseMeter meter) {
        this.p = p;
        this.limits = limits;
        this.meter = meter;
    }

    static List<Statement> read(byte[] body, RequestLimits limits, ParseMeter meter) throws BadRequestException {
        try (JsonParser p = StrictJson.open(body, MAX_DEPTH)) {
            List<Statement> statements;
            try {
                statements = new StatementReader(p, limits, meter).request();
            } catch (BadRequestException refused) {
                StrictJson.finish(p); // invalid JSON further on wins, as in rqlite
                throw refused;
            }
            StrictJson.finish(p);
            return statements;
        } catch (JsonException e) {
            throw new BadRequestException(e.exceedsLimit() ? "invalid JSON body: " + e.getMessage() : "invalid JSON body");
        } catch (IOException closing) {
            throw new BadRequestException("invalid JSON body"); // close() of a byte[] parser does no I/O
        }
    }

    private List<Statement> request() throws BadRequestException, JsonException {
        if (next() != JsonToken.START_ARRAY) {
            throw invalid();
        }
        List<Statement> statements = new ArrayList<>();
        for (JsonToken t = next(); t != JsonToken.END_ARRAY; t = next()) {
            if (statements.size() == limits.maxStatements()) {
                throw new BadRequestException("too many statements: more than " + limits.maxStatements()
                        + " in one request");
            }
            statementNumber++;
            meter.take(ParseMeter.STATEMENT_BYTES);
            statements.add(statement(t));
        }
        if (statements.isEmpty()) {
            throw new BadRequestException("no statements");
        }
        return statements;
    }

    private Statement statement(JsonToken t) throws BadRequestException, JsonException {
        if (t == JsonToken.VALUE_STRING) {
            return Statement.of(StrictJson.text(p));
        }
        if (t != JsonToken.START_ARRAY) {
            throw invalid();
        }
        t = next();
        if (t == JsonToken.END_ARRAY) {
            throw new BadRequestException("no statements");
        }
        if (t != JsonToken.VALUE_STRING) {
            throw invalid();
        }
        String sql = StrictJson.text(p);
        List<Object> positional = new ArrayList<>();
        Map<String, Object> named = new LinkedHashMap<>();
        for (t = next(); t != JsonToken.END_ARRAY; t = next()) {
            if (t == JsonToken.START_OBJECT) {
                for (t = next(); t == JsonToken.FIELD_NAME; t = next()) {
                    String name = StrictJson.name(p);
                    countParameter(positional.size() + named.size());
                    Object value = value(next());
                    requireOneKind(positional);
                    named.put(name, value); // a repeated name keeps its first position and its last value, as in Go
                }
            } else {
                countParameter(positional.size() + named.size());
                Object value = value(t);
                requireOneKind(named.values());
                positional.add(value);
            }
        }
        return positional.isEmpty() && named.isEmpty() ? Statement.of(sql) : new Statement(sql, positional, named);
    }

    /** Counts one more parameter, of a statement that has {@code inStatement} already, against the limits. */
    private void countParameter(int inStatement) throws BadRequestException {
        if (inStatement == limits.maxParametersPerStatement()) {
            throw new BadRequestException("too many parameters in statement " + statementNumber + ": more than "
                    + limits.maxParametersPerStatement());
        }
        if (parametersInRequest++ == limits.maxParametersPerRequest()) {
            throw new BadRequestException("too many parameters: more than " + limits.maxParametersPerRequest()
                    + " in one request");
        }
        meter.take(ParseMeter.PARAMETER_BYTES);
    }

    private static void requireOneKind(Collection<?> otherKind) throws BadRequestException {
        if (!otherKind.isEmpty()) {
            throw new BadRequestException("invalid request: positional and named parameters mixed");
        }
    }

    /** A parameter value, typed as rqlite types it. */
    private Object value(JsonToken t) throws BadRequestException, JsonException {
        switch (t) {
            case VALUE_NULL:
                return null;
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return StrictJson.number(p);
            case VALUE_STRING:
                String s = StrictJson.text(p);
                byte[] blob = RequestParser.hexBlob(s);
                return blob != null ? blob : s;
            case START_ARRAY:
                return byteArray();
            default:
                throw unsupported();
        }
    }

    /** An array of integers 0-255 as a BLOB, one byte per element while it is read. */
    private byte[] byteArray() throws BadRequestException, JsonException {
        byte[] bytes = new byte[16];
        int n = 0;
        for (JsonToken t = next(); t != JsonToken.END_ARRAY; t = next()) {
            int b = t == JsonToken.VALUE_NUMBER_INT ? smallInt() : -1;
            if (b < 0 || b > 255) {
                throw unsupported();
            }
            if (n == limits.maxBlobArrayElements()) {
                throw new BadRequestException("BLOB array in statement " + statementNumber + " longer than "
                        + limits.maxBlobArrayElements() + " elements");
            }
            if (n == bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(bytes.length * 2, limits.maxBlobArrayElements()));
            }
            bytes[n++] = (byte) b;
        }
        return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
    }

    /** The current integer token when it fits an int (no boxing), else -1. */
    private int smallInt() throws JsonException {
        try {
            return p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : -1;
        } catch (IOException e) {
            throw new JsonException(e.getMessage());
        }
    }

    private JsonToken next() throws JsonException {
        return StrictJson.next(p);
    }

    private static BadRequestException invalid() {
        return new BadRequestException("invalid request");
    }

    private static BadRequestException unsupported() {
        return new BadRequestException("unsupported type");
    }
}
