package io.raftlite.core.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A test of in-process stores: a directory for their data and the stores it opened, closed after each test. */
abstract class ClusterTestBase {

    @TempDir
    Path dir;

    /** Every store the test opened, closed newest first after the test whatever it did. */
    final List<RaftStore> stores = new ArrayList<>();

    @AfterEach
    void closeStores() {
        ClusterTestSupport.closeAll(stores);
    }
}
