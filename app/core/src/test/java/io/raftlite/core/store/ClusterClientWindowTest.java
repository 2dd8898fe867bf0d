package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.Statement;
import io.raftlite.core.membership.ConfChange;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.execute;
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
class ClusterClientWindowTest extends ClusterTestBase {

    @Test
    void aWriteThatFailedDoesNotFailTheNextOnesToTheSameLeader() throws Exception {
        RaftStore leader = ClusterTestSupport.threeVoters(dir, "cw", "window", stores);
        execute(leader, "CREATE TABLE t (v INTEGER)");
        RaftStore next = stores.stream().filter(s -> s != leader).findFirst().orElseThrow();
        RaftPeerId nextId = next.division().getId();
        byte[] insert = CommandCodec.encode(Command.execute(List.of(Statement.of("INSERT INTO t VALUES (1)")),
                false, System.currentTimeMillis(), 1));

        try (ClusterClient client = new ClusterClient(RaftTransport.PLAINTEXT, RaftPropertiesFactory.groupId("window"),
                Duration.ofSeconds(10), 1 << 20)) {
            // a follower named as the leader refuses with NotLeaderException, after which a write is not resent
            assertThrows(ExecutionException.class, () -> client.write(ConfChange.members(leader.division()),
                    nextId, insert).get(30, TimeUnit.SECONDS));

            RaftClientReply moved = leader.division().getRaftServer().transferLeadershipAsync(
                    new TransferLeadershipRequest(ClientId.randomId(), leader.division().getId(),
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
