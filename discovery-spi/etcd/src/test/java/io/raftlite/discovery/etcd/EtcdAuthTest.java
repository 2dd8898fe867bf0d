package io.raftlite.discovery.etcd;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryConfig;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.DiscoveryUnavailableException;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.StoredRecord;
import io.raftlite.discovery.tck.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** etcd-kv against an etcd with authentication on: rqlite's {@code username} and {@code password} log in. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdAuthTest {

    private static final String PASSWORD = "s3cret-" + UUID.randomUUID();
    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcdWithAuth() throws Exception {
        etcd = EtcdProcess.start();
        try (Client admin = Client.builder().endpoints(etcd.endpoint()).build()) {
            Auth auth = admin.getAuthClient();
            auth.roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
            auth.userAdd(bytes("root"), bytes(PASSWORD)).get(10, TimeUnit.SECONDS);
            auth.userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
            auth.authEnable().get(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static DiscoveryClient client(String key, Map<String, Object> credentials) {
        Map<String, Object> settings = new HashMap<>(credentials);
        settings.put("endpoints", etcd.endpoint());
        return new EtcdDiscoveryClientProvider().create(new DiscoveryConfig(key, settings));
    }

    @Test
    void theRightPasswordClaimsAndForms() throws Exception {
        String key = "auth/" + UUID.randomUUID();
        Member m = new Member("node-1", "127.0.0.11:4002", "http://127.0.0.11:4001");
        try (DiscoveryClient c = client(key, Map.of("username", "root", "password", PASSWORD))) {
            StoredRecord formed = c.claim(ClusterRecord.claimed("c1", m, 1), Duration.ofSeconds(2)).orElseThrow()
                    .form(ClusterRecord.formed("c1", m, List.of(m), 2));
            assertEquals(formed, c.read().orElseThrow());
        }
    }

    @Test
    void aWrongPasswordOrNoneIsRefusedAndIsNoOutage() {
        for (Map<String, Object> credentials : List.<Map<String, Object>>of(
                Map.of("username", "root", "password", "wrong"), Map.of())) {
            try (DiscoveryClient c = client("auth/" + UUID.randomUUID(), credentials)) {
                DiscoveryException e = assertThrows(DiscoveryException.class, c::read, credentials.toString());
                assertFalse(e instanceof DiscoveryUnavailableException, "retrying would not help: " + e);
            }
        }
    }
}
