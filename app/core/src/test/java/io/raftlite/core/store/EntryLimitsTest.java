package io.raftlite.core.store;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntryLimitsTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void theDefaultBodyOf8MiBFitsOneEntryWithItsHeadroom() {
        long command = RaftStore.maxCommandBytes(8 * MIB);
        EntryLimits l = EntryLimits.forCommand(command);
        assertEquals(command, l.maxCommandBytes());
        assertTrue(l.maxEntryBytes() > 8 * MIB + 64 * 1024, "an 8 MiB load plus the command's fields fits");
        assertTrue(l.maxEntryBytes() < 8 * MIB + 128 * 1024, "and the write buffer (direct memory) stays near 8 MiB");
        assertEquals(2 * l.maxEntryBytes(), l.logCacheBytes());
    }

    @Test
    void aSmallLimitKeepsRatisDefaultsSoOlderLogsStayReadable() {
        EntryLimits l = EntryLimits.forCommand(1000);
        assertEquals(4 * MIB, l.maxEntryBytes());
        assertEquals(64 * MIB, l.grpcMessageBytes());
        assertEquals(1000, l.maxCommandBytes());
    }

    @Test
    void aLargeLimitRaisesTheGrpcMessageSizeAboveRatisDefault() {
        EntryLimits l = EntryLimits.forCommand(100 * MIB);
        assertTrue(l.grpcMessageBytes() >= l.maxEntryBytes() + MIB, "Ratis wants 1 MB between them");
        assertThrows(IllegalArgumentException.class, () -> EntryLimits.forCommand(0));
        assertThrows(IllegalArgumentException.class, () -> EntryLimits.forCommand(Integer.MAX_VALUE));
    }

    @Test
    void aCommandOverTheLimitIsRefusedAsTooLarge() {
        EntryLimits l = EntryLimits.forCommand(5 * MIB);
        assertNull(l.refusal(5 * MIB));
        StoreException e = l.refusal(5 * MIB + 1);
        assertEquals(StoreException.Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains(String.valueOf(5 * MIB)), e.getMessage());
    }

    /** The keys Ratis reads, and the two consistency checks it makes at start, hold for any limit. */
    @Test
    void ratisPropertiesCarryEveryDerivedLimit() {
        for (long command : new long[] {1000, 4 * MIB, RaftStore.maxCommandBytes(8 * MIB), 100 * MIB}) {
            EntryLimits l = EntryLimits.forCommand(command);
            RaftProperties p = RaftPropertiesFactory.build(config(), dir.resolve("raft"), l);
            long appender = RaftServerConfigKeys.Log.Appender.bufferByteLimit(p).getSize();
            long writeBuffer = RaftServerConfigKeys.Log.writeBufferSize(p).getSize();
            long message = GrpcConfigKeys.messageSizeMax(p, s -> { }).getSize();
            assertEquals(l.maxEntryBytes(), appender);
            assertEquals(l.writeBufferBytes(), writeBuffer);
            assertEquals(l.grpcMessageBytes(), message);
            assertEquals(l.logCacheBytes(), RaftServerConfigKeys.Log.segmentCacheSizeMax(p).getSize());
            assertTrue(writeBuffer >= appender + 8, "SegmentedRaftLogWorker's check");
            assertTrue(message - appender >= MIB, "GrpcServicesImpl's check");
        }
    }

    @Test
    void ratisRefusingAnEntryForItsSizeIsTooLargeNotAnInternalError() {
        RaftGroupMemberId member = RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), RaftGroupId.randomId());
        RuntimeException mapped = RaftReplies.toFailure(new StateMachineException(member,
                new RaftLogIOException("Log entry size 4299227 exceeds the max buffer limit of 4194304")));
        assertEquals(StoreException.Reason.TOO_LARGE, ((StoreException) mapped).reason());
    }

    private StoreConfig config() {
        return new StoreConfig("n1", "127.0.4.200:4002", "127.0.4.200:4002", dir, "limits", 100, MIB, 1,
                Duration.ofSeconds(10));
    }
}
