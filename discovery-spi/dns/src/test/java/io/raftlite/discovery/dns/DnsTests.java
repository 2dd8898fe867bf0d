package io.raftlite.discovery.dns;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.DiscoveryConfig;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the DNS tests share: clients made the way a node makes them, through {@link DiscoveryClients}. */
final class DnsTests {

    private DnsTests() {
    }

    static DiscoveryClient client(String mode, Object... keyValues) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put((String) keyValues[i], keyValues[i + 1]);
        }
        return DiscoveryClients.load(DnsTests.class.getClassLoader())
                .create(mode, new DiscoveryConfig("raftlite", settings));
    }

    /** A loopback UDP port nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }
}
