package io.raftlite.core.db;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The apply path's conservative keyword test finds every spelling of a keyword, anywhere, without copying. */
class LogApplierMentionsTest {

    @Test
    void findsTheWordInAnyCaseAnywhere() {
        assertTrue(LogApplier.containsIgnoreCase("BEGIN", "begin"));
        assertTrue(LogApplier.containsIgnoreCase("insert into t values(1); BeGiN IMMEDIATE", "begin"));
        assertTrue(LogApplier.containsIgnoreCase("pragma foreign_keys=ON", "pragma"));
        assertTrue(LogApplier.containsIgnoreCase("SAVEPOINT a", "savepoint"));
        assertTrue(LogApplier.containsIgnoreCase("x begin", "begin"), "at the very end");
    }

    @Test
    void doesNotFindWhatIsNotThere() {
        assertFalse(LogApplier.containsIgnoreCase("", "begin"));
        assertFalse(LogApplier.containsIgnoreCase("BEGI", "begin"), "shorter than the word");
        assertFalse(LogApplier.containsIgnoreCase("INSERT INTO kv(k, v) VALUES(?, ?)", "begin"));
        assertFalse(LogApplier.containsIgnoreCase("BEG IN", "begin"));
    }
}
