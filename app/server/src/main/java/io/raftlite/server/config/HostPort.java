package io.raftlite.server.config;

/** A {@code host:port} pair as given on the command line; IPv6 hosts are written {@code [::1]:4001}. */
public record HostPort(String host, int port) {

    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.contains(" ")) {
            throw new IllegalArgumentException("expected host:port");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535");
        }
        return new HostPort(host, port);
    }

    /** True for addresses that cannot be advertised: other nodes cannot reach "any address". */
    public boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /**
     * True for an address only this host can reach: {@code localhost}, 127.0.0.0/8 or {@code ::1}. Any other
     * name counts as routable (no DNS lookup is made), and so does a wildcard.
     */
    public boolean isLoopback() {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return host.startsWith("127.");
        }
        return host.equals("::1") || host.matches("(0{1,4}:){7}0{0,3}1");
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
