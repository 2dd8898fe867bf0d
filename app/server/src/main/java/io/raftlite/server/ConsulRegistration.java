package io.raftlite.server;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.discovery.DefaultServiceInstanceIdGenerator;
import io.micronaut.discovery.ServiceInstance;
import io.micronaut.discovery.ServiceInstanceIdGenerator;
import io.micronaut.discovery.consul.client.v1.ConsulClient;
import io.micronaut.http.HttpStatus;
import io.raftlite.discovery.DiscoveryConfig;
import io.raftlite.server.config.DiscoverySettings;
import io.raftlite.server.config.NodeSettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Registration in Consul's catalog in {@code consul-kv} mode, done by Micronaut's discovery client: this
 * class only turns raftlite's settings into that client's properties and makes the service id the node id.
 * Consul checks {@code /readyz} over HTTP (HTTPS with {@code -http-cert}); a registration failure is logged and never stops the node.
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
        p.put("consul.client.registration.deregister", false); // Micronaut's is asynchronous: see Deregistration
        p.put("consul.client.registration.prefer-ip-address", true);
        p.put("consul.client.registration.ip-addr", s.httpAdvAddr().host());
        p.put("consul.client.registration.health-path", "/readyz");
        p.put("consul.client.registration.check.http", true);
        p.put("consul.client.registration.check.interval", "10s");
        if (s.httpTls().enabled()) {
            // Consul's agent checks https:// /readyz but does not know -http-ca-cert: the check reads only
            // readiness and sends nothing, so it skips verification (with -http-verify-client it also needs the
            // agent's own client certificate: enable_agent_tls_for_checks)
            p.put("consul.client.registration.check.tls-skip-verify", true);
        }
        p.put("consul.client.discovery.enabled", false);
        p.put("consul.client.config.enabled", false);
        p.put("micronaut.heartbeat.enabled", false); // an HTTP check needs no TTL heartbeats
        p.put(ON, true);
        return p;
    }

    /**
     * Deregisters on shutdown and waits (at most a few seconds) for Consul's answer: Micronaut's own
     * deregistration is fire-and-forget, so a process that exits right after a SIGTERM could stay listed.
     */
    @Context
    @Requires(property = ON)
    static final class Deregistration {

        private static final Logger LOG = LoggerFactory.getLogger(Deregistration.class);

        private final ConsulClient consul;
        private final NodeInfo info;

        Deregistration(ConsulClient consul, NodeInfo info) {
            this.consul = consul;
            this.info = info;
        }

        @PreDestroy
        void deregister() {
            CountDownLatch done = new CountDownLatch(1);
            Throwable[] failure = new Throwable[1];
            consul.deregister(info.nodeId()).subscribe(new Subscriber<HttpStatus>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(1);
                }

                @Override
                public void onNext(HttpStatus status) {
                    // the answer itself carries nothing more
                }

                @Override
                public void onError(Throwable t) {
                    failure[0] = t;
                    done.countDown();
                }

                @Override
                public void onComplete() {
                    done.countDown();
                }
            });
            try {
                if (!done.await(3, TimeUnit.SECONDS)) {
                    LOG.warn("Consul did not confirm deregistering {} within 3s", info.nodeId());
                } else if (failure[0] != null) {
                    LOG.warn("could not deregister {} from Consul's catalog: {}", info.nodeId(), failure[0].getMessage());
                } else {
                    LOG.info("deregistered {} from Consul's catalog", info.nodeId());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
