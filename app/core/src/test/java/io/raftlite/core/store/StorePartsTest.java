package io.raftlite.core.store;

import io.raftlite.core.command.Statement;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorePartsTest {

    @TempDir
    Path dir;

    @Test
    void readMessageRoundTripsAndRejectsGarbage() {
        ReadMessage in = new ReadMessage(List.of(Statement.of("SELECT ?", 1L)), true, Duration.ofMillis(1500));
        ReadMessage out = ReadMessage.decode(in.encode());
        assertEquals(Duration.ofMillis(1500), out.dbTimeout());
        assertTrue(out.transaction());
        assertEquals("SELECT ?", out.statements().get(0).sql());
        assertNull(ReadMessage.decode(new ReadMessage(List.of(), false, null).encode()).dbTimeout());
        byte[] bytes = in.encode();
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThrows(IllegalArgumentException.class, () -> ReadMessage.decode(cut));
        }
    }

    @Test
    void groupIdIsDerivedFromTheClusterNameAlone() {
        assertEquals(RaftPropertiesFactory.groupId("prod"), RaftPropertiesFactory.groupId("prod"));
        assertNotEquals(RaftPropertiesFactory.groupId("prod"), RaftPropertiesFactory.groupId("test"));
    }

    @Test
    void hostPortParsing() {
        assertEquals(new RaftPropertiesFactory.HostPort("127.0.0.1", 4002), RaftPropertiesFactory.HostPort.parse("127.0.0.1:4002"));
        assertEquals(new RaftPropertiesFactory.HostPort("::1", 4002), RaftPropertiesFactory.HostPort.parse("[::1]:4002"));
        for (String bad : List.of("127.0.0.1", ":4002", "host:", "host:port", "host:70000")) {
            assertThrows(IllegalArgumentException.class, () -> RaftPropertiesFactory.HostPort.parse(bad), bad);
        }
    }

    @Test
    void snapshotWithoutMd5IsSkippedAndLeftoverTmpDeleted() throws Exception {
        Path good = dir.resolve("snapshot.1_10");
        Files.writeString(good, "ten");
        MD5FileUtil.computeAndSaveMd5ForFile(good.toFile());
        Path partial = dir.resolve("snapshot.1_20"); // renamed into place, crashed before its .md5
        Files.writeString(partial, "twenty");
        Path tmp = dir.resolve("snapshot.1_30" + SnapshotFiles.TMP_SUFFIX);
        Files.writeString(tmp, "thirty, half written");

        Optional<SingleFileSnapshotInfo> chosen = SnapshotFiles.newestValid(dir);
        assertEquals(10, chosen.orElseThrow().getIndex());
        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(tmp));
        assertTrue(Files.exists(good));
    }

    @Test
    void logStartIndexComesFromSegmentNames() throws Exception {
        assertTrue(SnapshotFiles.logStartIndex(dir).isEmpty());
        Files.createFile(dir.resolve("log_41-80"));
        Files.createFile(dir.resolve("log_inprogress_81"));
        Files.createFile(dir.resolve("raft-meta"));
        assertEquals(41, SnapshotFiles.logStartIndex(dir).getAsLong());
    }
}
