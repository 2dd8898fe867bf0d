package io.raftlite.core.store;

import org.apache.ratis.client.retry.ClientRetryEvent;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.util.Timestamp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forwarding client resends a write only after a refusal that appended nothing. */
class ClusterClientRetryTest {

    private static final RaftGroupId GROUP = RaftGroupId.randomId();

    @Test
    void aWriteIsResentOnlyAfterARefusalThatAppendedNothing() {
        NotLeaderException notLeader = new NotLeaderException(
                RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), GROUP), null, List.of());
        assertFalse(ClusterClient.resendsWrite(event(RaftClientRequest.writeRequestType(), notLeader)));
        assertFalse(ClusterClient.resendsWrite(event(RaftClientRequest.writeRequestType(),
                new CompletionException(notLeader))), "wrapped too");
        assertTrue(ClusterClient.resendsWrite(event(RaftClientRequest.readRequestType(), notLeader)),
                "a read changes nothing: it may follow the leader");
        assertFalse(ClusterClient.resendsWrite(event(RaftClientRequest.writeRequestType(),
                new TimeoutIOException("no answer"))), "the first copy may be in the log");
        assertTrue(ClusterClient.resendsWrite(event(RaftClientRequest.writeRequestType(),
                new LeaderNotReadyException(RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), GROUP)))),
                "a leader not ready appended nothing");
    }

    private static ClientRetryEvent event(RaftClientRequest.Type type, Throwable cause) {
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
                .setServerId(RaftPeerId.valueOf("n1")).setGroupId(GROUP).setCallId(1)
                .setMessage(Message.EMPTY).setType(type).build();
        return new ClientRetryEvent(1, request, 1, cause, Timestamp.currentTime());
    }
}
