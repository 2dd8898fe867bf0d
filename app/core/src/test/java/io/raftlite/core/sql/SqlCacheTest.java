package io.raftlite.core.sql;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SqlCacheTest {

    @Test
    void computesEachStringOnceAndStaysBounded() {
        AtomicInteger calls = new AtomicInteger();
        SqlCache<Integer> cache = new SqlCache<>(sql -> {
            calls.incrementAndGet();
            return sql.length();
        });
        assertEquals(8, cache.get("SELECT 1"));
        assertEquals(8, cache.get("SELECT 1"));
        assertEquals(1, calls.get());
        for (int i = 0; i < SqlCache.MAX_ENTRIES * 3; i++) {
            assertEquals(("SELECT " + i).length(), cache.get("SELECT " + i));
            assertEquals(true, cache.size() <= SqlCache.MAX_ENTRIES, "bounded");
        }
        String huge = "SELECT '" + "x".repeat(SqlCache.MAX_SQL_CHARS) + "'";
        int before = cache.size();
        calls.set(0);
        cache.get(huge);
        cache.get(huge);
        assertEquals(2, calls.get(), "a long string is not kept");
        assertEquals(before, cache.size());
    }

    @Test
    void cachedSplitsAreTheSameAndCannotBeChanged() {
        String sql = "INSERT INTO t VALUES(1); SELECT ';' FROM t";
        List<String> first = StatementSplitter.split(sql);
        assertEquals(List.of("INSERT INTO t VALUES(1)", "SELECT ';' FROM t"), first);
        assertEquals(first, StatementSplitter.split(sql));
        assertThrows(UnsupportedOperationException.class, () -> first.add("DROP TABLE t"));
    }
}
