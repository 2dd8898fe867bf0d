package io.raftlite.discovery.dns;

import org.xbill.DNS.Message;
import org.xbill.DNS.Flags;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;

/**
 * A UDP "DNS server" on loopback for the failures dnsmasq will not produce on demand: it answers every query
 * with one error rcode (SERVFAIL, say), or with nothing at all ({@link #silent()}).
 */
final class FakeDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;

    private FakeDnsServer(int rcode) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> serve(rcode), "fake-dns-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** Answers every query with {@code rcode}. */
    static FakeDnsServer answering(int rcode) throws IOException {
        return new FakeDnsServer(rcode);
    }

    /** Reads every query and answers none. */
    static FakeDnsServer silent() throws IOException {
        return new FakeDnsServer(-1);
    }

    String resolver() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve(int rcode) {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (rcode < 0) {
                    continue;
                }
                Message reply = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                reply.getHeader().setFlag(Flags.QR);
                reply.getHeader().setRcode(rcode);
                byte[] out = reply.toWire();
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // a query it cannot parse: ignore it, as a real server might
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
