package io.raftlite.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Json#parse}: builds maps, lists and scalars from {@link StrictJson}'s tokens. Recursion is bounded
 * by {@link #MAX_DEPTH} (the parser refuses deeper nesting before we recurse) and the tree by
 * {@link #MAX_VALUES}, so neither the stack nor the heap depends on the input beyond those bounds.
 */
final class JsonTree {

    /** Arrays and objects nested deeper than this are refused (no client of rqlite's API needs more). */
    static final int MAX_DEPTH = 64;

    /** Values (scalars, arrays, objects) in one document: a {@code /status} answer has a few hundred. */
    static final int MAX_VALUES = 100_000;

    private final JsonParser p;
    private int values;

    private JsonTree(JsonParser p) {
        this.p = p;
    }

    static Object parse(byte[] utf8) throws JsonException {
        try (JsonParser p = StrictJson.open(utf8, MAX_DEPTH)) {
            if (StrictJson.next(p) == null) {
                throw new JsonException("unexpected end of input");
            }
            Object value = new JsonTree(p).value();
            StrictJson.finish(p);
            return value;
        } catch (IOException closing) {
            throw new JsonException(closing.getMessage()); // close() of a byte[] parser does no I/O
        }
    }

    private Object value() throws JsonException {
        if (++values > MAX_VALUES) {
            throw new JsonException("more than " + MAX_VALUES + " values", true);
        }
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new JsonException("unexpected end of input");
        }
        return switch (t) {
            case START_OBJECT -> object();
            case START_ARRAY -> array();
            case VALUE_STRING -> StrictJson.text(p);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> StrictJson.number(p);
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonException("unexpected token " + t); // Jackson gives no other token here
        };
    }

    private Map<String, Object> object() throws JsonException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (StrictJson.next(p) == JsonToken.FIELD_NAME) {
            String key = StrictJson.name(p);
            StrictJson.next(p);
            map.put(key, value()); // a repeated key keeps its first position and its last value, as Go keeps the last
        }
        return map; // Jackson ends an object only with END_OBJECT
    }

    private List<Object> array() throws JsonException {
        List<Object> list = new ArrayList<>();
        while (StrictJson.next(p) != JsonToken.END_ARRAY) {
            list.add(value());
        }
        return list;
    }
}
