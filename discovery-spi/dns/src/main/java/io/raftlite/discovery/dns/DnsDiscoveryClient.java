package io.raftlite.discovery.dns;

import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryUnavailableException;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.StoredRecord;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An address list resolved from DNS, for both the {@code dns} and the {@code dns-srv} mode: each
 * {@link #read()} asks the DNS server again and lists the Raft addresses it resolves, sorted and without
 * duplicates, so that every node that gets the same answer computes the same list. Offers no check-and-set.
 */
final class DnsDiscoveryClient implements DiscoveryClient {

    /** Where the Raft addresses come from: one DNS resolution, asked afresh at every call. */
    @FunctionalInterface
    interface AddressSource {
        List<String> resolve() throws DiscoveryUnavailableException;
    }

    private final String mode;
    private final String key;
    private final String description;
    private final AddressSource source;

    DnsDiscoveryClient(String mode, String key, String description, AddressSource source) {
        this.mode = mode;
        this.key = key;
        this.description = description;
        this.source = source;
    }

    @Override
    public String mode() {
        return mode;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public boolean checkAndSet() {
        return false;
    }

    /** @return a LISTED record of the resolved addresses at version 0, or empty when nothing resolves */
    @Override
    public Optional<StoredRecord> read() throws DiscoveryUnavailableException {
        SortedSet<String> addresses = new TreeSet<>(source.resolve());
        if (addresses.isEmpty()) {
            return Optional.empty();
        }
        List<Member> members = addresses.stream().map(Member::at).toList();
        return Optional.of(new StoredRecord(ClusterRecord.listed(members), 0));
    }

    @Override
    public Optional<Claim> claim(ClusterRecord claimed, Duration ttl) {
        throw noCheckAndSet("claim");
    }

    @Override
    public boolean replace(ClusterRecord record, long expectedVersion) {
        throw noCheckAndSet("replace");
    }

    @Override
    public boolean delete(long expectedVersion) {
        throw noCheckAndSet("delete");
    }

    private UnsupportedOperationException noCheckAndSet(String verb) {
        return new UnsupportedOperationException("cannot " + verb + " with " + mode + " discovery: DNS has no "
                + "check-and-set, it only lists addresses; nodes bootstrap with -bootstrap-expect instead");
    }

    /** Nothing to release: no connection is kept between reads (dnsjava's I/O threads are shared). */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return mode + " discovery of " + description;
    }

    /** {@code a.b.c.d:port}, or {@code [v6]:port} with the IPv6 address in its shortest form (RFC 5952). */
    static String raftAddress(InetAddress address, int port) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress() + ":" + port;
        }
        return "[" + compressed(address.getAddress()) + "]:" + port;
    }

    private static String compressed(byte[] b) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }
}
