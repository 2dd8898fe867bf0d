package io.raftlite.discovery.dns;

import io.raftlite.discovery.DiscoveryUnavailableException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a DNS server directly, with no cache, so every call sees records that appeared since the last one.
 * dnsjava's {@code Lookup} caches by default and its {@code LookupSession} drops the additional section the
 * SRV mode reads, so this class does the small part of a stub resolver that discovery needs itself: the
 * search path, CNAME chains, and telling "no such name" (empty) apart from "the server failed"
 * ({@link DiscoveryUnavailableException}). The hosts file is not read: discovery asks DNS only.
 *
 * <p>Which errors stop a lookup: a failed SRV query, or a failed address query for a search-path candidate
 * (the remaining candidates are not tried, so a broken resolver is never read as "no cluster"). A failed A
 * or AAAA query does not stop it while the other type answers with addresses ({@code Query.addressesOf}).
 *
 * <p>Each public call shares one deadline, the configured timeout, across all the queries it sends.
 */
final class DnsLookup {

    private static final int MAX_CNAMES = 8;

    /** One SRV target's address with the port the SRV record gives. */
    record Target(InetAddress address, int port) {
    }

    private final DnsSettings settings;
    private final List<Name> searchPath;
    private final int ndots;

    DnsLookup(DnsSettings settings) {
        this.settings = settings;
        if (settings.resolver().isPresent()) {
            this.searchPath = List.of(); // a named server is asked for the name exactly as configured
            this.ndots = 0;
        } else {
            ResolverConfig system = ResolverConfig.getCurrentConfig();
            this.searchPath = List.copyOf(system.searchPath());
            this.ndots = system.ndots();
        }
    }

    /**
     * The A and AAAA addresses of {@code name}; for a relative name the first search-path candidate that has
     * any address wins, as with the system's resolver.
     *
     * @return empty when the name does not exist or has no address
     */
    List<InetAddress> addresses(String name) throws DiscoveryUnavailableException {
        Query q = new Query();
        for (Name candidate : candidates(name, searchPath, ndots)) {
            List<InetAddress> found = q.addressesOf(candidate);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    /**
     * The targets of the SRV records of {@code _<service>._tcp.<name>}, each resolved to its addresses (from
     * the additional section when the server sent them, else by asking for them); targets that do not
     * resolve are left out. Priority and weight are ignored: every target is a candidate member.
     */
    List<Target> srv(String service, String name) throws DiscoveryUnavailableException {
        Query q = new Query();
        for (Name candidate : candidates("_" + service + "._tcp." + name, searchPath, ndots)) {
            Answer srv = q.ask(candidate, Type.SRV);
            if (srv.records().isEmpty()) {
                continue;
            }
            List<Target> targets = new ArrayList<>();
            for (Record r : srv.records()) {
                SRVRecord s = (SRVRecord) r;
                if (s.getTarget().equals(Name.root)) {
                    continue; // RFC 2782: "." means the service is decidedly not available there
                }
                List<InetAddress> addresses = additional(srv.message(), s.getTarget());
                if (addresses.isEmpty()) {
                    addresses = q.addressesOf(s.getTarget());
                }
                addresses.forEach(a -> targets.add(new Target(a, s.getPort())));
            }
            return targets;
        }
        return List.of();
    }

    private static List<InetAddress> additional(Message m, Name target) {
        List<InetAddress> out = new ArrayList<>();
        for (Record r : m.getSection(Section.ADDITIONAL)) {
            if (r.getName().equals(target) && r instanceof ARecord a) {
                out.add(a.getAddress());
            } else if (r.getName().equals(target) && r instanceof AAAARecord a) {
                out.add(a.getAddress());
            }
        }
        return out;
    }

    /**
     * The absolute names to try for {@code name}, in order: a name ending in '.' or asked with no search path
     * is taken as it is; otherwise it is tried with each search domain, and as an absolute name first when it
     * has at least {@code ndots} dots, else last (resolv.conf(5)).
     */
    static List<Name> candidates(String name, List<Name> searchPath, int ndots) {
        try {
            if (name.endsWith(".") || searchPath.isEmpty()) {
                return List.of(Name.fromString(name, Name.root));
            }
            Name relative = Name.fromString(name);
            List<Name> out = new ArrayList<>();
            for (Name domain : searchPath) {
                try {
                    out.add(Name.concatenate(Name.concatenate(relative, domain), Name.root));
                } catch (NameTooLongException e) {
                    // this search domain makes the name too long: skip it, as resolvers do
                }
            }
            Name absolute = Name.fromString(name, Name.root);
            out.add(relative.labels() - 1 >= ndots ? 0 : out.size(), absolute);
            return out;
        } catch (TextParseException e) {
            throw new IllegalArgumentException("'" + name + "' is not a DNS name: " + e.getMessage(), e);
        }
    }

    /** The records found for one question, and the message they came in (for its additional section). */
    private record Answer(List<Record> records, Message message) {
    }

    /** The queries of one public call: one resolver, one deadline. */
    private final class Query {
        private final long deadline = System.nanoTime() + settings.timeout().toNanos();
        private final Resolver resolver;
        private final String server;

        Query() throws DiscoveryUnavailableException {
            if (settings.resolver().isPresent()) {
                DnsSettings.Server s = settings.resolver().get();
                InetSocketAddress address = new InetSocketAddress(s.host(), s.port());
                if (address.isUnresolved()) {
                    throw new DiscoveryUnavailableException("DNS resolver " + s + ": cannot resolve " + s.host());
                }
                resolver = new SimpleResolver(address);
                server = s.toString();
            } else {
                List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
                resolver = new ExtendedResolver(servers.stream().<Resolver>map(SimpleResolver::new).toList());
                server = "the system's DNS resolvers " + servers;
            }
        }

        /**
         * The A and AAAA addresses of {@code name}. As Go's resolver and glibc do, an error for one record type
         * does not hide the other type's answers: dnsmasq, for one, answers REFUSED to AAAA for a name it only
         * has an IPv4 {@code --host-record} for. The lookup fails (with the first error) only when a type
         * failed and no address was found; see {@link #ask} for what an error is.
         */
        List<InetAddress> addressesOf(Name name) throws DiscoveryUnavailableException {
            List<InetAddress> out = new ArrayList<>();
            DiscoveryUnavailableException failed = null;
            for (int type : new int[] {Type.A, Type.AAAA}) {
                try {
                    for (Record r : ask(name, type).records()) {
                        out.add(r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress());
                    }
                } catch (DiscoveryUnavailableException e) {
                    failed = failed == null ? e : failed;
                }
            }
            if (out.isEmpty() && failed != null) {
                throw failed;
            }
            return out;
        }

        /**
         * The records of {@code type} for {@code name}, following CNAMEs in the answer and asking again for a
         * CNAME target whose records the server did not include.
         *
         * @return no records when the name does not exist (NXDOMAIN) or has none of this type (NOERROR, empty)
         * @throws DiscoveryUnavailableException for any other answer code (REFUSED, SERVFAIL, NOTIMP, FORMERR
         *                                       ...), no answer within the call's deadline, a transport error or
         *                                       a CNAME loop: these stop the lookup, except for one address type
         *                                       while the other has answers ({@link #addressesOf})
         */
        Answer ask(Name name, int type) throws DiscoveryUnavailableException {
            Name current = name;
            int cnames = 0;
            while (true) {
                Message m = send(current, type);
                if (m.getRcode() == Rcode.NXDOMAIN) {
                    return new Answer(List.of(), m);
                }
                if (m.getRcode() != Rcode.NOERROR) {
                    throw new DiscoveryUnavailableException("DNS server " + server + " answered "
                            + Rcode.string(m.getRcode()) + " for " + current + " " + Type.string(type));
                }
                Name asked = current;
                for (CNAMERecord c = cname(m, current); c != null; c = cname(m, current)) {
                    if (++cnames > MAX_CNAMES) {
                        throw new DiscoveryUnavailableException("DNS name " + name + ": more than " + MAX_CNAMES
                                + " CNAMEs (a loop?)");
                    }
                    current = c.getTarget();
                }
                List<Record> found = new ArrayList<>();
                for (Record r : m.getSection(Section.ANSWER)) {
                    if (r.getType() == type && r.getName().equals(current)) {
                        found.add(r);
                    }
                }
                if (!found.isEmpty() || current.equals(asked)) {
                    return new Answer(found, m);
                }
            }
        }

        private CNAMERecord cname(Message m, Name owner) {
            for (Record r : m.getSection(Section.ANSWER)) {
                if (r instanceof CNAMERecord c && r.getName().equals(owner)) {
                    return c;
                }
            }
            return null;
        }

        private Message send(Name name, int type) throws DiscoveryUnavailableException {
            long left = deadline - System.nanoTime();
            String what = name + " " + Type.string(type);
            if (left <= 0) {
                throw new DiscoveryUnavailableException("DNS server " + server + " did not answer " + what
                        + " within " + settings.timeout().toMillis() + " ms");
            }
            resolver.setTimeout(Duration.ofNanos(left));
            Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
            CompletableFuture<Message> reply = resolver.sendAsync(query).toCompletableFuture();
            try {
                return reply.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                reply.cancel(true);
                throw new DiscoveryUnavailableException("DNS server " + server + " did not answer " + what
                        + " within " + settings.timeout().toMillis() + " ms", e);
            } catch (ExecutionException e) {
                throw new DiscoveryUnavailableException("DNS server " + server + " did not answer " + what + ": "
                        + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                reply.cancel(true);
                Thread.currentThread().interrupt();
                throw new DiscoveryUnavailableException("interrupted while asking " + server + " for " + what, e);
            }
        }
    }
}
