package io.raftlite.core.store;

import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeMetaTest {

    @Test
    void roundTripsAndDefaultsNullsToEmpty() {
        NodeMeta meta = new NodeMeta("n1", "http://127.0.0.1:4001", "1.2.3");
        assertEquals(meta, NodeMeta.decode(meta.encode()));
        assertEquals(new NodeMeta("n2", "", ""), NodeMeta.decode(new NodeMeta("n2", null, null).encode()));
    }

    @Test
    void theReadReplicaFlagRoundTripsAndAVersionOneReplyReadsAsPromotable() throws Exception {
        NodeMeta replica = new NodeMeta("n3", "http://127.0.0.3:4001", "1.2.3", true);
        assertEquals(replica, NodeMeta.decode(replica.encode()));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF("n4");
            out.writeUTF("");
            out.writeUTF("0.1.0");
        }
        assertEquals(new NodeMeta("n4", "", "0.1.0", false), NodeMeta.decode(bytes.toByteArray()));
    }

    @Test
    void theRequestIsNeverAReadMessageAndViceVersa() {
        assertTrue(NodeMeta.isRequest(NodeMeta.request()));
        assertThrows(IllegalArgumentException.class, () -> ReadMessage.decode(NodeMeta.request()));
        byte[] read = new ReadMessage(List.of(Statement.of("SELECT 1")), false, Duration.ofSeconds(1)).encode();
        assertFalse(NodeMeta.isRequest(read));
        assertThrows(IllegalArgumentException.class, () -> NodeMeta.decode(new byte[] {9, 9}));
    }
}
