package io.raftlite.core.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node with TLS and one without cannot form a cluster, and the join says why instead of just timing out. */
class MixedTlsTest extends TlsStoreTestBase {


    private StoreConfig config(TestPki ca, int n) throws Exception {
        return config(ca, "mixed", "127.0.17." + n, n);
    }


    private String joinFailure(StoreConfig joiner, StoreConfig target) throws Exception {
        RaftStore s = start(joiner, false);
        StoreException e = assertThrows(StoreException.class, () -> s.join(List.of(target.raftAdvertisedAddress()),
                false, Duration.ofSeconds(3), Duration.ofMillis(100)));
        return e.getMessage();
    }

    @Test
    void aPlaintextNodeJoiningATlsClusterIsToldItNeedsTls() throws Exception {
        StoreConfig secure = config(TestPki.create("ca"), 1);
        start(secure, true).awaitReady(Duration.ofSeconds(30));
        String why = joinFailure(config(null, 2), secure);
        assertTrue(why.contains("the node at " + secure.raftAdvertisedAddress() + " requires TLS"), why);
    }

    @Test
    void aTlsNodeJoiningAPlaintextClusterIsToldThePeerDoesNotSpeakTls() throws Exception {
        StoreConfig plain = config(null, 3);
        start(plain, true).awaitReady(Duration.ofSeconds(30));
        String why = joinFailure(config(TestPki.create("ca"), 4), plain);
        assertTrue(why.contains("the node at " + plain.raftAdvertisedAddress() + " does not speak TLS"), why);
    }
}
