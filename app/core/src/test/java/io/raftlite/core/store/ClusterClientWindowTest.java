package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.Statement;
import io.raftlite.core.membership.ConfChange;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.StoreTestSupport.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forwarded write that fails leaves the forwarding client usable. Ratis' ordered async client fails every
 * later request at once once it gave one up; before {@link ClusterClient} rebuilt the client after such a
 * failure, a follower whose first write to a just-elected leader failed answered 503 to every write until the
 * next election (LeaderPauseIT, CI: no write through the follower within 40 s of pausing the leader).
 */
@Timeout(300)
class ClusterClientWindowTest {

    @TempDir
    Path dir;

    private final List<RaftStore> stores = new ArrayList<>();

    @AfterEach
    void closeAll() {
        ClusterTestSupport.closeAll(stores);
    }

    @Test
    void aWriteThatFailedDoesNotFailTheNextOnesToTheSameLeader() throws Exception {
        List<StoreConfig> configs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String addr = "127.0.0.1:" + freePort();
            configs.add(new StoreConfig("cw" + i, addr, addr, dir.resolve("n" + i), "window", 10_000,
                    1 << 20, 2, Duration.ofSeconds(10)));
        }
        List<RaftStore> nodes = ClusterTestSupport.bootstrapThenJoin(configs, stores);
        RaftStore[] leader = new RaftStore[1];
        await("a ready leader with two voters", () -> {
            leader[0] = nodes.stream().filter(s -> s.isLeader() && s.isReady()).findFirst().orElse(null);
            return leader[0] != null && ClusterTestSupport.settledVoters(leader[0]).size() == 3;
        });
        execute(leader[0], "CREATE TABLE t (v INTEGER)");
        RaftStore next = nodes.stream().filter(s -> s != leader[0]).findFirst().orElseThrow();
        RaftPeerId nextId = next.division().getId();
        byte[] insert = CommandCodec.encode(Command.execute(List.of(Statement.of("INSERT INTO t VALUES (1)")),
                false, System.currentTimeMillis(), 1));

        try (ClusterClient client = new ClusterClient(RaftTransport.PLAINTEXT, RaftPropertiesFactory.groupId("window"),
                Duration.ofSeconds(10), 1 << 20)) {
            // a follower named as the leader refuses with NotLeaderException, after which a write is not resent
            assertThrows(ExecutionException.class, () -> client.write(ConfChange.members(leader[0].division()),
                    nextId, insert).get(30, TimeUnit.SECONDS));

            RaftClientReply moved = leader[0].division().getRaftServer().transferLeadershipAsync(
                    new TransferLeadershipRequest(ClientId.randomId(), leader[0].division().getId(),
                            RaftPropertiesFactory.groupId("window"), 1, nextId, 10_000)).get(30, TimeUnit.SECONDS);
            assertTrue(moved.isSuccess(), "leadership transfer: " + moved.getException());
            await("the named node leads and is ready", () -> next.isLeader() && next.isReady());

            // the same client, the same leader named: the write goes through
            client.write(ConfChange.members(next.division()), nextId, insert).get(30, TimeUnit.SECONDS);
        }
        List<Statement> count = List.of(Statement.of("SELECT count(*) FROM t"));
        assertEquals("1", String.valueOf(StoreTestSupport.scalar(next.readLinearizable(count, false, null)
                .get(30, TimeUnit.SECONDS))));
    }
}
