package io.raftlite.discovery;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordJsonTest {

    private static final Member A = new Member("a", "10.0.0.1:4002", "http://10.0.0.1:4001");
    private static final Member B = new Member("b\"\\\n", "10.0.0.2:4002", null);

    @Test
    void everyStateRoundTrips() throws Exception {
        for (ClusterRecord r : List.of(ClusterRecord.claimed("c1", A, 17),
                ClusterRecord.formed("c1", A, List.of(A, B), 42),
                ClusterRecord.listed(List.of(Member.at("10.0.0.3:4002"))))) {
            assertEquals(r, RecordJson.decode(RecordJson.encode(r)));
        }
    }

    @Test
    void theTopLevelFieldsAreRqlitesLeaderKey() {
        String json = new String(RecordJson.encode(ClusterRecord.formed("c1", A, List.of(A), 1)), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"id\":\"a\",\"api_addr\":\"http://10.0.0.1:4001\",\"addr\":\"10.0.0.1:4002\","), json);
    }

    @Test
    void unknownFieldsAreIgnoredSoNewerWritersStayReadable() throws Exception {
        ClusterRecord r = RecordJson.decode(("{\"addr\":\"h:1\",\"state\":\"formed\",\"cluster_id\":\"x\","
                + "\"future\":{\"nested\":[1,2.5,true,null]},\"members\":[]}").getBytes(StandardCharsets.UTF_8));
        assertEquals("x", r.clusterId());
        assertEquals("h:1", r.leader().raftAddress());
    }

    @Test
    void foreignOrBrokenValuesGiveAClearError() {
        for (String bad : List.of("", "not json", "[1]", "{\"addr\":\"h:1\"}", "{\"state\":\"weird\"}",
                "{\"state\":\"formed\",\"members\":[{\"id\":\"x\"}]}", "{\"state\":\"formed\"} trailing",
                "{\"state\":\"formed\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}")) {
            DiscoveryException e = assertThrows(DiscoveryException.class,
                    () -> RecordJson.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertTrue(e.getMessage().startsWith("not a raftlite discovery record"), e.getMessage());
        }
    }
}
