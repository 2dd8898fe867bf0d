package io.raftlite.server.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** For tests that start nodes as processes: a temporary directory, and every node added is stopped after each test. */
abstract class ProcessFixture {

    @TempDir
    Path tmp;

    final List<NodeProcess> nodes = new ArrayList<>();

    /** A node of {@link #nodes} other than {@code not} that says it is the leader and is ready (60 s at most). */
    NodeProcess awaitLeader(NodeProcess not) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (NodeProcess n : nodes) {
                try {
                    if (n != not && n.isAlive() && n.get("/status").body().contains("\"state\":\"Leader\"")
                            && n.get("/readyz").statusCode() == 200) {
                        return n;
                    }
                } catch (Exception e) {
                    // not answering: try the next
                }
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval
        }
        throw new AssertionError("no leader within 60 s");
    }

    @AfterEach
    void stopAll() throws Exception {
        NodeProcess.closeAll(nodes);
    }
}
