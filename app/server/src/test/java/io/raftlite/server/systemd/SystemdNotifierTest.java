package io.raftlite.server.systemd;

import io.netty.channel.epoll.Epoll;
import io.raftlite.core.store.StoreStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SystemdNotifierTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void notifySocketValuesMapToPathsAndAbstractNames() {
        assertEquals("/run/systemd/notify", NotifySocket.socketPath("/run/systemd/notify"));
        assertEquals("\0raftlite/notify", NotifySocket.socketPath("@raftlite/notify"));
        assertNull(NotifySocket.socketPath("@"), "an empty abstract name");
        assertNull(NotifySocket.socketPath("vsock:2:1234"), "systemd 254's vsock addresses are not Unix sockets");
        assertNull(NotifySocket.socketPath("relative/path"));
    }

    @Test
    void statusLinesAreOneShortLine() {
        assertEquals("STATUS=waiting for 3 nodes via etcd-kv", SystemdNotifier.statusLine(" waiting for 3 nodes via etcd-kv\n"));
        assertEquals("STATUS=a b c", SystemdNotifier.statusLine("a\r\nb\tc"));
        String longLine = SystemdNotifier.statusLine("x".repeat(500));
        assertEquals("STATUS=".length() + 200, longLine.length());
        assertTrue(longLine.endsWith("..."));
    }

    @Test
    void nodeStatesSayRoleAndLeader() {
        assertEquals(new SystemdNotifier.NodeState(true, "leader of 3 nodes"),
                SystemdNotifier.NodeState.of(status("LEADER", "n1"), 3, true));
        assertEquals(new SystemdNotifier.NodeState(true, "leader of 1 node"),
                SystemdNotifier.NodeState.of(status("LEADER", "n1"), 1, true));
        assertEquals(new SystemdNotifier.NodeState(true, "follower, leader n1"),
                SystemdNotifier.NodeState.of(status("FOLLOWER", "n1"), 3, true));
        assertEquals(new SystemdNotifier.NodeState(false, "read replica, leader n1, catching up"),
                SystemdNotifier.NodeState.of(status("LISTENER", "n1"), 4, false));
        assertEquals(new SystemdNotifier.NodeState(false, "waiting for a leader (candidate)"),
                SystemdNotifier.NodeState.of(status("CANDIDATE", null), 3, false));
    }

    @Test
    void withoutNotifySocketEverythingIsANoOp() {
        try (SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of())) {
            assertFalse(notifier.enabled());
            notifier.status("starting");
            notifier.watch(() -> new SystemdNotifier.NodeState(true, "leader of 1 node"));
            notifier.stopping();
        }
        try (SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "vsock:2:1"))) {
            assertFalse(notifier.enabled());
        }
    }

    @Test
    void sendsProgressThenReadyOnceThenStoppingToAnAbstractSocket() throws Exception {
        assumeTrue(Epoll.isAvailable(), "no epoll here (not Linux): notifications are a no-op");
        runProtocol("@raftlite-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    @Test
    void sendsToASocketPath() throws Exception {
        assumeTrue(Epoll.isAvailable(), "no epoll here (not Linux): notifications are a no-op");
        try (NotifyReceiver systemd = NotifyReceiver.bind(tmp.resolve("notify").toString());
             SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.notifySocket()))) {
            notifier.status("starting");
            assertEquals("STATUS=starting", systemd.next(WAIT));
        }
    }

    private static void runProtocol(String socket) throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.bind(socket);
             SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket))) {
            assertTrue(notifier.enabled());
            notifier.status("waiting for 2 nodes via 127.0.0.1:4002: 1 found");
            notifier.status("waiting for 2 nodes via 127.0.0.1:4002: 1 found"); // unchanged: not sent again
            notifier.status("forming the cluster with 2 nodes");
            AtomicReference<SystemdNotifier.NodeState> state =
                    new AtomicReference<>(new SystemdNotifier.NodeState(false, "waiting for a leader (follower)"));
            notifier.watch(state::get);
            assertEquals("STATUS=waiting for 2 nodes via 127.0.0.1:4002: 1 found", systemd.next(WAIT));
            assertEquals("STATUS=forming the cluster with 2 nodes", systemd.next(WAIT));
            assertEquals("STATUS=waiting for a leader (follower)", systemd.next(WAIT));
            assertNull(systemd.next(Duration.ofMillis(600)), "nothing new while nothing changes");
            state.set(new SystemdNotifier.NodeState(true, "follower, leader n1"));
            assertEquals("READY=1\nSTATUS=follower, leader n1", systemd.next(WAIT));
            notifier.status("discovery: leader rewrote the record"); // progress lines end once ready
            state.set(new SystemdNotifier.NodeState(true, "leader of 2 nodes"));
            assertEquals("STATUS=leader of 2 nodes", systemd.next(WAIT));
            state.set(new SystemdNotifier.NodeState(false, "waiting for a leader (candidate)"));
            assertEquals("STATUS=waiting for a leader (candidate)", systemd.next(WAIT), "READY=1 is sent once");
            notifier.stopping();
            notifier.stopping();
            assertEquals("STOPPING=1\nSTATUS=stopping", systemd.next(WAIT));
            assertNull(systemd.next(Duration.ofMillis(600)));
            assertEquals(7, systemd.received().size(), String.join(" | ", systemd.received()));
        }
    }

    private static StoreStatus status(String role, String leader) {
        return new StoreStatus("n2", role, 3, leader, leader == null ? null : "127.0.0.1:4002", 10, 10, 0, 0,
                "group", leader != null);
    }
}
