package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logs and metrics of real processes on 127.0.0.171-173 while a follower is down: the survivors' logs stay one
 * line per event (Ratis writes every failed append's exception chain into its message, once per retry), the
 * leader says once that the peer is down, and
 * {@code /metrics} tells the leader from the followers.
 */
class LoggingIT extends DiscoveryScenarios {

    /** Time, level, logger, message: what every line of the log must look like. */
    private static final Pattern EVENT = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO |WARN |ERROR) \\S+ - .*");

    @Test
    void aKilledFollowerIsOneLinePerEventInTheSurvivorsLogs() throws Exception {
        List<NodeProcess> group = prepare("logs", "127.0.0.17", 3);
        String join = group.stream().map(n -> n.host + ":" + n.raftPort).collect(Collectors.joining(","));
        launchTogether(group, "-join", join, "-bootstrap-expect", "3");
        await("one leader", () -> group.stream().filter(n -> role(n, "leader")).count() == 1);
        NodeProcess leader = group.stream().filter(n -> role(n, "leader")).findFirst().orElseThrow();
        List<NodeProcess> followers = group.stream().filter(n -> n != leader).toList();
        for (NodeProcess f : followers) {
            await(f.host + " reports itself a follower", () -> role(f, "follower"));
        }
        ok(leader.post("/db/execute", "[\"CREATE TABLE t (v INTEGER)\"]"));

        long before = lines(leader).count(); // a peer restarting its server while the cluster formed may be down once too
        followers.get(0).kill9();
        for (int i = 0; i < 5; i++) {
            ok(leader.post("/db/execute", "[\"INSERT INTO t VALUES(" + i + ")\"]"));
        }
        NodeProcess dead = followers.get(0);
        // the leader's appender to the dead follower failed and retried; the leader says the peer is down once
        // (Ratis' own refusals are cut to the first of each kind by RepeatedWarningFilter)
        String downLine = "peer " + dead.host + ":" + dead.raftPort + " is down";
        await("'" + downLine + "' in the leader's log",
                () -> lines(leader).skip(before).anyMatch(l -> l.contains(downLine)));
        Thread.sleep(6000); // and Ratis' "(Repeated n times in the last 5s)" summary came out

        for (NodeProcess survivor : List.of(leader, followers.get(1))) {
            List<String> lines = Files.readAllLines(survivor.log);
            List<String> strays = lines.stream().filter(l -> !EVENT.matcher(l).matches()).toList();
            assertEquals(List.of(), strays, "lines that are not one event in " + survivor.host + "'s log");
        }
        assertEquals(1, lines(leader).skip(before).filter(l -> l.contains(downLine)).count(), "one 'down' line");
        refusals(leader, dead).forEach(refused -> assertTrue(refused.contains("WARN "), refused));
        assertTrue(role(leader, "leader"), "still the leader with one follower down");
    }

    /** The lines of {@code n}'s log that say a connection to {@code peer} was refused. */
    private static java.util.stream.Stream<String> refusals(NodeProcess n, NodeProcess peer) {
        return lines(n).filter(l -> l.contains("Connection refused") && l.contains(peer.host + ":" + peer.raftPort));
    }

    private static java.util.stream.Stream<String> lines(NodeProcess n) {
        try {
            return Files.readAllLines(n.log).stream();
        } catch (java.io.IOException e) {
            return java.util.stream.Stream.empty();
        }
    }

    /** Whether the node's {@code /metrics} says it has this Raft role. */
    private static boolean role(NodeProcess n, String role) {
        try {
            return n.get("/metrics").body().contains("raftlite_raft_role{role=\"" + role + "\"} 1.0");
        } catch (Exception e) {
            return false;
        }
    }
}
