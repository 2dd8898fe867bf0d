package io.raftlite.core.store;

import org.apache.ratis.client.retry.ClientRetryEvent;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.util.Timestamp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forwarding client never resends a write after NotLeaderException (the next leader may commit the first copy). */
class ClusterClientRetryTest {

    private static final RaftGroupId GROUP = RaftGroupId.randomId();

    @Test
    void aWriteIsNotResentAfterNotLeaderButOtherFailuresAndReadsAre() {
        NotLeaderException notLeader = new NotLeaderException(
                RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), GROUP), null, List.of());
        assertFalse(ClusterClient.resendsWrite(event(RaftClientRequest.writeRequestType(), notLeader)));
        assertFalse(ClusterClient.resendsWrite(event(RaftClientRequest.writeRequestType(),
                new CompletionException(notLeader))), "wrapped too");
        assertTrue(ClusterClient.resendsWrite(event(RaftClientRequest.readRequestType(), notLeader)),
                "a read changes nothing: it may follow the leader");
        assertTrue(ClusterClient.resendsWrite(event(RaftClientRequest.writeRequestType(),
                new TimeoutIOException("no answer"))), "the same leader's retry cache answers a resent write");
    }

    private static ClientRetryEvent event(RaftClientRequest.Type type, Throwable cause) {
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
                .setServerId(RaftPeerId.valueOf("n1")).setGroupId(GROUP).setCallId(1)
                .setMessage(Message.EMPTY).setType(type).build();
        return new ClientRetryEvent(1, request, 1, cause, Timestamp.currentTime());
    }
}
