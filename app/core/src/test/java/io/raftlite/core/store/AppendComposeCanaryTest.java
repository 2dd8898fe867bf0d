package io.raftlite.core.store;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.MetadataProto;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A follower stuck for good after a snapshot install (FaultIT, "snap" cluster, halves partitions): an append that
 * had passed the follower's checks ran after the install had purged its log ("Difference between entry index
 * and RaftLog's latest snapshot index … is greater than 1"), and from then on every append failed with that
 * same exception, because Ratis 3.3.0 chains a follower's appends (RATIS-2235, {@code
 * raft.server.log.append-entries.compose.enabled}, default true) on one future that stays failed. The store
 * turns the chain off ({@link RaftPropertiesFactory}).
 */
@Timeout(30)
class AppendComposeCanaryTest {

    @TempDir
    Path dir;

    /**
     * Canary: Ratis' chain (ServerImplUtils.NavigableIndices) after one failed append never runs another. When
     * this fails, upstream fixed it: the setting in RaftPropertiesFactory is then a choice (speed, Ozone turns
     * it off too: HDDS-14874), no longer a workaround.
     */
    @Test
    void ratisComposeChainStaysFailedAfterOneFailedAppend() throws Exception {
        Object chain = newChain();
        CompletableFuture<?> raced = append(chain, entry(5988),
                es -> CompletableFuture.failedFuture(new IllegalStateException("older than the installed snapshot")));
        assertThrows(ExecutionException.class, () -> raced.get(10, TimeUnit.SECONDS));

        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<?> next = append(chain, entry(6157), es -> {
            ran.set(true);
            return CompletableFuture.completedFuture(null);
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> next.get(10, TimeUnit.SECONDS),
                "Ratis' append chain recovers from a failed append now: the compose setting is no longer a workaround");
        assertEquals("older than the installed snapshot", rootCause(e).getMessage());
        assertFalse(ran.get(), "the valid append never reaches the log");
    }

    /** The store's followers do not use that chain. */
    @Test
    void storeTurnsTheChainOff() {
        StoreConfig config = new StoreConfig("n1", "127.0.28.1:4002", "127.0.28.1:4002", dir, "compose", 100,
                1024 * 1024, 1, Duration.ofSeconds(10));
        RaftProperties p = RaftPropertiesFactory.build(config, dir.resolve("raft"), EntryLimits.forCommand(1000));
        assertFalse(RaftServerConfigKeys.Log.appendEntriesComposeEnabled(p));
    }

    private static Object newChain() throws ReflectiveOperationException {
        Class<?> c = Class.forName("org.apache.ratis.server.impl.ServerImplUtils$NavigableIndices");
        Constructor<?> ctor = c.getDeclaredConstructor();
        ctor.setAccessible(true);
        return ctor.newInstance();
    }

    private static CompletableFuture<?> append(Object chain, LogEntryProto entry,
                                               Function<List<LogEntryProto>, CompletableFuture<Void>> appendLog)
            throws ReflectiveOperationException {
        Method m = chain.getClass().getDeclaredMethod("append", List.class, Function.class);
        m.setAccessible(true);
        return (CompletableFuture<?>) m.invoke(chain, List.of(entry), appendLog);
    }

    private static LogEntryProto entry(long index) {
        return LogEntryProto.newBuilder().setTerm(4).setIndex(index)
                .setMetadataEntry(MetadataProto.newBuilder().setCommitIndex(index - 1)).build();
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
