package io.raftlite.core.membership;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The wire form of a folded join ({@link JoinQueue}): a joining node asks the leader to add it, as a read-only
 * message through Ratis' client protocol (the leader's state machine hands it to its {@link JoinQueue}), and
 * the leader answers with an outcome. Every field is bounded and checked on the leader: the bytes come from
 * the network.
 *
 * <p>Request: {@code 'J'}, version 1, id and address (modified UTF-8), role byte (0 voter, 1 listener). Reply:
 * {@code 'J'}, an {@link Outcome} byte, a reason. The first byte is neither a read message's version (1) nor
 * the node-metadata request ({@code 'M'}), so a node of an older version answers a join request with a
 * failure (it cannot decode it), never with something the joiner could take for an outcome.
 */
public record JoinRequest(String id, String address, boolean listener) {

    private static final byte MARKER = 'J';
    private static final byte VERSION = 1;
    static final int MAX_ID = 128;
    static final int MAX_ADDRESS = 255;
    private static final int MAX_BYTES = 2 + 2 + MAX_ID * 3 + 2 + MAX_ADDRESS * 3 + 1;

    /** What the leader did with a join. */
    public enum Outcome {
        /** The node is a member now (or already was, at that address). */
        JOINED,
        /** Not done, nothing is wrong with the request: ask again (after reading the membership again). */
        RETRY,
        /** The request is malformed: asking again cannot help. */
        REFUSED
    }

    /** The leader's answer. */
    public record Reply(Outcome outcome, String reason) {
    }

    /** @throws IllegalArgumentException when a field is out of bounds */
    public JoinRequest {
        if (id == null || id.isEmpty() || id.length() > MAX_ID || !printable(id)) {
            throw new IllegalArgumentException("a join needs a node id of 1-" + MAX_ID + " printable characters");
        }
        if (address == null || !validAddress(address)) {
            throw new IllegalArgumentException("a join needs a host:port address of at most " + MAX_ADDRESS
                    + " characters");
        }
    }

    static JoinRequest of(RaftPeer peer) {
        return new JoinRequest(peer.getId().toString(), peer.getAddress(),
                peer.getStartupRole() == RaftPeerRole.LISTENER);
    }

    RaftPeer peer() {
        return RaftPeer.newBuilder().setId(id).setAddress(address)
                .setStartupRole(listener ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER).build();
    }

    /** Whether {@code first} (a message's first byte) marks a join request. */
    public static boolean isRequest(byte first, int length) {
        return first == MARKER && length > 2;
    }

    public static boolean isRequest(byte[] bytes) {
        return bytes.length > 0 && isRequest(bytes[0], bytes.length);
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MARKER);
            out.writeByte(VERSION);
            out.writeUTF(id);
            out.writeUTF(address);
            out.writeByte(listener ? 1 : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The request in {@code bytes}; empty when they are not a well-formed one (wrong marker or version, a field out
     * of bounds, bytes missing or left over).
     */
    public static Optional<JoinRequest> decode(byte[] bytes) {
        if (!isRequest(bytes) || bytes.length > MAX_BYTES || bytes[1] != VERSION) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 2, bytes.length - 2))) {
            String id = in.readUTF();
            String address = in.readUTF();
            byte role = in.readByte();
            if ((role != 0 && role != 1) || in.available() != 0) {
                return Optional.empty();
            }
            return Optional.of(new JoinRequest(id, address, role == 1));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static byte[] encode(Reply reply) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MARKER);
            out.writeByte(reply.outcome().ordinal());
            String reason = reply.reason();
            out.writeUTF(reason.length() > 1000 ? reason.substring(0, 1000) : reason);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IOException when the bytes are not a join reply */
    public static Reply decodeReply(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int marker = in.readByte();
            int outcome = in.readByte();
            if (marker != MARKER || outcome < 0 || outcome >= Outcome.values().length) {
                throw new IOException("not a join reply");
            }
            return new Reply(Outcome.values()[outcome], in.readUTF());
        }
    }

    private static boolean printable(String s) {
        return s.chars().allMatch(c -> c > 0x20 && c != 0x7f);
    }

    private static boolean validAddress(String a) {
        int colon = a.lastIndexOf(':');
        if (a.length() > MAX_ADDRESS || colon <= 0 || colon == a.length() - 1 || !printable(a)) {
            return false;
        }
        String port = a.substring(colon + 1);
        if (port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int p = Integer.parseInt(port);
        return p > 0 && p < 65536;
    }
}
