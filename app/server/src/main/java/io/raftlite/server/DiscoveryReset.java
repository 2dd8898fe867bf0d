package io.raftlite.server;

import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.StoredRecord;
import io.raftlite.server.config.DiscoverySettings;
import io.raftlite.core.store.RaftStore;
import io.raftlite.core.store.TlsConfig;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code -disco-reset}: the one, explicit way to clear the record of a cluster that was wiped on purpose
 * (rqlite users had to delete KV data by hand when a stale leader key stalled new nodes). Refuses while
 * any recorded member answers over Raft as a member of the cluster's group, so a live cluster's record is
 * never cleared; a fresh node waiting on the stale record (an empty group) does not count.
 */
final class DiscoveryReset {

    private static final int PROBE_TIMEOUT_MS = 2000;

    private DiscoveryReset() {
    }

    /** @return the process exit code: 0 deleted or nothing to delete, 1 refused or failed, 2 not applicable */
    static int run(DiscoverySettings d, String clusterName, TlsConfig raftTls, PrintStream out, PrintStream err) {
        try (DiscoveryClient client = DiscoveryClients.load(DiscoveryReset.class.getClassLoader())
                .create(d.mode(), d.config())) {
            if (!client.checkAndSet()) {
                err.println("-disco-reset: " + d.mode() + " holds no record (DNS is read-only); nothing to reset");
                return 2;
            }
            Optional<StoredRecord> read = client.read();
            if (read.isEmpty()) {
                out.println("no record under " + d.mode() + " key '" + d.config().key() + "': nothing to reset");
                return 0;
            }
            ClusterRecord r = read.get().record();
            List<String> answering = RaftStore.answeringMembers(clusterName, new ArrayList<>(addresses(r)),
                    Duration.ofMillis(PROBE_TIMEOUT_MS), raftTls);
            if (!answering.isEmpty()) {
                err.println("-disco-reset refused: cluster " + r.clusterId() + " recorded under key '" + d.config().key()
                        + "' still answers at " + answering + "; stop those nodes first (or remove them) if the"
                        + " cluster really is gone");
                return 1;
            }
            if (!client.delete(read.get().version())) {
                err.println("-disco-reset: the record under key '" + d.config().key() + "' changed meanwhile; "
                        + "nothing deleted, run it again");
                return 1;
            }
            out.println("deleted the " + r.state().name().toLowerCase() + " record of cluster " + r.clusterId()
                    + " under " + d.mode() + " key '" + d.config().key() + "' (members " + addresses(r) + ")");
            return 0;
        } catch (DiscoveryException | java.io.IOException e) {
            err.println("-disco-reset: " + e.getMessage());
            return 1;
        }
    }

    private static Set<String> addresses(ClusterRecord r) {
        Set<String> all = new LinkedHashSet<>();
        if (r.leader() != null) {
            all.add(r.leader().raftAddress());
        }
        r.members().stream().map(Member::raftAddress).forEach(all::add);
        return all;
    }
}
