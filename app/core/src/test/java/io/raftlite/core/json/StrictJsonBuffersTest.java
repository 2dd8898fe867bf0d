package io.raftlite.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.BufferRecycler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link StrictJson.SmallBuffers}: a thread reuses its parse buffers, but never one a long token made grow. */
class StrictJsonBuffersTest {

    private static final int[] CHAR_BUFFERS = {BufferRecycler.CHAR_TOKEN_BUFFER, BufferRecycler.CHAR_CONCAT_BUFFER,
            BufferRecycler.CHAR_TEXT_BUFFER, BufferRecycler.CHAR_NAME_COPY_BUFFER};

    @Test
    void aPlainParseReusesTheThreadsTokenBuffer() throws Exception {
        BufferRecycler mine = StrictJson.SmallBuffers.POOL.acquirePooled();
        char[] before = mine.allocCharBuffer(BufferRecycler.CHAR_TOKEN_BUFFER);
        mine.releaseCharBuffer(BufferRecycler.CHAR_TOKEN_BUFFER, before);
        try (JsonParser p = StrictJson.open("[\"INSERT INTO kv(k, v) VALUES(?, ?)\"]".getBytes(StandardCharsets.UTF_8), 8)) {
            StrictJson.next(p);
            char[] during = mine.allocCharBuffer(BufferRecycler.CHAR_TOKEN_BUFFER); // not given back: a fresh one
            assertNotSame(before, during, "the open parser holds the thread's token buffer");
        }
        char[] after = mine.allocCharBuffer(BufferRecycler.CHAR_TOKEN_BUFFER);
        mine.releaseCharBuffer(BufferRecycler.CHAR_TOKEN_BUFFER, after);
        assertSame(before, after, "the parse took the thread's token buffer and gave it back");
    }

    @Test
    void aBufferGrownByALongStringIsDropped() throws Exception {
        String longText = "x".repeat(1 << 20);
        assertEquals(longText, parseAll("[\"" + longText + "\"]"));
        BufferRecycler mine = StrictJson.SmallBuffers.POOL.acquirePooled();
        for (int ix : CHAR_BUFFERS) {
            char[] b = mine.allocCharBuffer(ix);
            assertTrue(b.length <= StrictJson.SmallBuffers.MAX_KEPT, "buffer " + ix + " kept at " + b.length + " chars");
            mine.releaseCharBuffer(ix, b);
        }
    }

    @Test
    void anotherThreadHasItsOwnBuffers() throws Exception {
        BufferRecycler[] other = new BufferRecycler[1];
        Thread t = new Thread(() -> other[0] = StrictJson.SmallBuffers.POOL.acquirePooled());
        t.start();
        t.join();
        assertNotSame(StrictJson.SmallBuffers.POOL.acquirePooled(), other[0]);
    }

    /** Parses a one-level array of strings with the strict reader; returns the last string. */
    private static String parseAll(String json) throws Exception {
        String last = null;
        try (JsonParser p = StrictJson.open(json.getBytes(StandardCharsets.UTF_8), 8)) {
            while (StrictJson.next(p) != null) {
                if (p.currentToken().isScalarValue()) {
                    last = StrictJson.text(p);
                }
            }
        }
        return last;
    }
}
