package io.raftlite.core.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeIdentityTest {

    @TempDir
    Path dir;

    @Test
    void firstStartPersistsTheDefaultIdAndLaterStartsKeepIt() {
        assertEquals("127.0.0.1:4002", NodeIdentity.resolve(dir, null, "127.0.0.1:4002"));
        assertTrue(Files.exists(dir.resolve("node-id")));
        // the advertised address changed, but the id stays what it was
        assertEquals("127.0.0.1:4002", NodeIdentity.resolve(dir, "", "127.0.0.9:4002"));
    }

    @Test
    void anExplicitIdIsPersistedAndTheSameIdIsAccepted() {
        assertEquals("n1", NodeIdentity.resolve(dir, "n1", "127.0.0.1:4002"));
        assertEquals("n1", NodeIdentity.resolve(dir, "n1", "127.0.0.1:4002"));
    }

    @Test
    void aDifferentIdIsRefusedWithAClearMessage() {
        NodeIdentity.resolve(dir, "n1", "x");
        var e = assertThrows(NodeIdentity.IdentityException.class, () -> NodeIdentity.resolve(dir, "n2", "x"));
        assertTrue(e.getMessage().contains("belongs to node 'n1'"), e.getMessage());
        assertTrue(e.getMessage().contains("'n2'"), e.getMessage());
    }

    @Test
    void anInvalidIdIsRefusedBeforeAnythingIsWritten() {
        assertThrows(NodeIdentity.IdentityException.class, () -> NodeIdentity.resolve(dir, "bad id/..", "x"));
        assertTrue(Files.notExists(dir.resolve("node-id")));
    }
}
