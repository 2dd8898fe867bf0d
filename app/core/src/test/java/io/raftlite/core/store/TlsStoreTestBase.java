package io.raftlite.core.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** In-process stores on loopback with (or without) node TLS; closed after each test. */
abstract class TlsStoreTestBase {

    @TempDir
    Path tmp;
    final List<RaftStore> stores = new ArrayList<>();

    @AfterEach
    void closeStores() {
        ClusterTestSupport.closeAll(stores);
    }

    /** Node {@code "n" + n} of {@code cluster} at {@code host}, with a certificate of {@code ca} (null: plaintext). */
    StoreConfig config(TestPki ca, String cluster, String host, int n) throws Exception {
        String addr = host + ":" + ClusterTestSupport.freePort(host);
        TlsConfig tls = ca == null ? null : ca.issue(tmp.resolve("tls"), "n" + n, host).tls();
        return new StoreConfig("n" + n, addr, addr, tmp.resolve("n" + n), cluster, 1000, 1 << 20, 2,
                Duration.ofSeconds(10)).withTls(tls);
    }

    RaftStore start(StoreConfig c, boolean bootstrap) throws Exception {
        RaftStore s = new RaftStore(c);
        stores.add(s);
        s.start(bootstrap);
        return s;
    }
}
