package io.raftlite.core.workaround;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftGroupIdProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.RaftServerAsynchronousProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The canary of {@link NotReadyAppendLog}: stock Ratis logs an append refused by a closed server at ERROR. */
@Timeout(60)
class NotReadyAppendLogTest {

    @TempDir
    Path dir;

    @Test
    void stockLogsAnAppendToAClosedServerAtError() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(NotReadyAppendLog.RATIS_LOGGER);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try (BareRatis ratis = new BareRatis(dir)) {
            RaftPeer peer = BareRatis.peer("n1", 81, RaftPeerRole.FOLLOWER);
            RaftServer.Division division = ratis.start(peer, RaftGroup.valueOf(ratis.groupId, peer));
            division.getRaftServer().close();
            AppendEntriesRequestProto append = AppendEntriesRequestProto.newBuilder()
                    .setServerRequest(RaftRpcRequestProto.newBuilder()
                            .setRequestorId(RaftPeerId.valueOf("leader").toByteString())
                            .setReplyId(peer.getId().toByteString())
                            .setRaftGroupId(RaftGroupIdProto.newBuilder().setId(ratis.groupId.toByteString()))
                            .setCallId(1))
                    .setLeaderTerm(1).build();
            RaftServerAsynchronousProtocol server = (RaftServerAsynchronousProtocol) division;
            assertThrows(IOException.class, () -> server.appendEntriesAsync(append));
        } finally {
            logger.detachAppender(events);
        }
        List<ILoggingEvent> refusals = events.list.stream().filter(e -> e.getThrowableProxy() != null
                && e.getThrowableProxy().getClassName().equals(NotReadyAppendLog.NOT_READY)).toList();
        assertFalse(refusals.isEmpty(), "stock Ratis no longer logs the refusal with its exception: "
                + "delete NotReadyAppendLog; events: " + events.list);
        ILoggingEvent refusal = refusals.get(0);
        assertEquals(Level.ERROR, refusal.getLevel(),
                "stock Ratis logs the refusal below ERROR now: delete NotReadyAppendLog");
        assertTrue(NotReadyAppendLog.isRefusedAppend(refusal.getLoggerName(),
                refusal.getThrowableProxy().getClassName()), "the workaround recognises the event");
        assertFalse(NotReadyAppendLog.isRefusedAppend(refusal.getLoggerName(), IOException.class.getName()));
        assertFalse(NotReadyAppendLog.isRefusedAppend("io.raftlite.core.store.RaftStore", NotReadyAppendLog.NOT_READY));
    }
}
