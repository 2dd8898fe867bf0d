package io.raftlite.server;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.discovery.DefaultServiceInstanceIdGenerator;
import io.micronaut.discovery.ServiceInstance;
import io.micronaut.discovery.ServiceInstanceIdGenerator;
import io.raftlite.discovery.DiscoveryConfig;
import io.raftlite.server.config.DiscoverySettings;
import io.raftlite.server.config.NodeSettings;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;

/**
 * Registration in Consul's catalog in {@code consul-kv} mode, done by Micronaut's discovery client: this
 * class only turns raftlite's settings into that client's properties and makes the service id the node id.
 * Consul checks {@code /readyz} over HTTP; a registration failure is logged and never stops the node.
 */
final class ConsulRegistration {

    static final String SERVICE = "raftlite";
    private static final String ON = "raftlite.consul-registration";

    private ConsulRegistration() {
    }

    /** Micronaut properties that turn registration on, or none when the mode or the setting says off. */
    static Map<String, Object> properties(NodeSettings s) {
        DiscoverySettings d = s.discovery();
        Map<String, Object> p = new HashMap<>();
        if (d == null || d.reset() || !"consul-kv".equals(d.mode()) || !d.consulRegister()) {
            return p;
        }
        DiscoveryConfig c = d.config();
        String address = c.string("address", "localhost:8500");
        int colon = address.lastIndexOf(':');
        p.put("consul.client.host", colon < 0 ? address : address.substring(0, colon));
        p.put("consul.client.port", colon < 0 ? 8500 : Integer.parseInt(address.substring(colon + 1)));
        if ("https".equals(c.string("scheme", "http"))) {
            p.put("consul.client.secure", true);
        }
        String token = c.string("token", null);
        if (token != null && !token.isEmpty()) {
            p.put("consul.client.asl-token", token);
        }
        p.put("consul.client.registration.enabled", true);
        p.put("consul.client.registration.fail-fast", false);
        p.put("consul.client.registration.deregister", true);
        p.put("consul.client.registration.prefer-ip-address", true);
        p.put("consul.client.registration.ip-addr", s.httpAdvAddr().host());
        p.put("consul.client.registration.health-path", "/readyz");
        p.put("consul.client.registration.check.http", true);
        p.put("consul.client.registration.check.interval", "10s");
        p.put("consul.client.discovery.enabled", false);
        p.put("consul.client.config.enabled", false);
        p.put("micronaut.heartbeat.enabled", false); // an HTTP check needs no TTL heartbeats
        p.put(ON, true);
        return p;
    }

    /** Consul's service id is the node id, so an operator finds a node in the catalog by the id it logs. */
    @Singleton
    @Replaces(DefaultServiceInstanceIdGenerator.class)
    @Requires(property = ON)
    static final class NodeIdAsServiceId implements ServiceInstanceIdGenerator {

        private final NodeInfo info;

        NodeIdAsServiceId(NodeInfo info) {
            this.info = info;
        }

        @Override
        public String generateId(Environment environment, ServiceInstance instance) {
            return info.nodeId();
        }
    }
}
