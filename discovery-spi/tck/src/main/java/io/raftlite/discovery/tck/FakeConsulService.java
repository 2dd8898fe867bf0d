package io.raftlite.discovery.tck;

import java.util.List;
import java.util.Map;

/**
 * A service registered with the fake Consul's agent ({@code PUT /v1/agent/service/register}), as tests see it.
 *
 * @param id      the service ID (the name when the registration gave none)
 * @param name    the service name
 * @param address the service address, empty when the registration gave none
 * @param port    the service port, 0 when none
 * @param tags    the tags
 * @param meta    the metadata
 * @param checks  each registered check's ID and status: {@code critical} until a {@code check/pass}
 * @param httpChecks each HTTP check's ID and URL (what the agent would poll)
 */
public record FakeConsulService(String id, String name, String address, int port, List<String> tags,
                                Map<String, String> meta, Map<String, String> checks, Map<String, String> httpChecks) {

    public FakeConsulService {
        tags = List.copyOf(tags);
        meta = Map.copyOf(meta);
        checks = Map.copyOf(checks);
        httpChecks = Map.copyOf(httpChecks);
    }

    /** Whether every check of this service passes (true when it has none), as {@code ?passing} filters. */
    public boolean passing() {
        return checks.values().stream().allMatch("passing"::equals);
    }
}
