package io.raftlite.server.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** For tests that start nodes as processes: a temporary directory, and every node added is stopped after each test. */
abstract class ProcessFixture {

    @TempDir
    Path tmp;

    final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        NodeProcess.closeAll(nodes);
    }
}
