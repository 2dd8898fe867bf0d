package io.raftlite.core.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * What a node tells the others about itself over the Raft transport (rqlite's node-metadata RPC): used for
 * the leader's API address ({@code redirect}) and {@code /nodes} ({@code api_addr}, {@code reachable}).
 *
 * @param id         the node id (Raft peer id)
 * @param apiAddress its advertised HTTP API URL, possibly empty
 * @param version    the raftlite version it runs
 * @param nonVoter   it was started as a read replica ({@code -raft-non-voter}): the leader never promotes it
 */
public record NodeMeta(String id, String apiAddress, String version, boolean nonVoter) {

    /**
     * This build's version, from {@code META-INF/raftlite/version.properties} (the server's build writes it; the
     * same text as {@code /status}'s {@code build.version}), else the jar's Implementation-Version, else
     * {@code dev} when run from classes.
     */
    public static final String CURRENT_VERSION = buildVersion();

    /** First byte of a metadata request; a {@link ReadMessage} starts with its version byte 1 instead. */
    private static final byte REQUEST_MARKER = 'M';
    /** Version 1 had no {@code nonVoter} (read as false); version 2 adds it. */
    private static final byte REPLY_VERSION = 2;

    private static String buildVersion() {
        try (InputStream in = NodeMeta.class.getResourceAsStream("/META-INF/raftlite/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall back below
        }
        return Objects.requireNonNullElse(NodeMeta.class.getPackage().getImplementationVersion(), "dev");
    }

    public NodeMeta {
        Objects.requireNonNull(id, "id");
        apiAddress = apiAddress == null ? "" : apiAddress;
        version = version == null ? "" : version;
    }

    /** A node that may be promoted to voter. */
    public NodeMeta(String id, String apiAddress, String version) {
        this(id, apiAddress, version, false);
    }

    /** The request message: a single marker byte (never a valid {@link ReadMessage}). */
    static byte[] request() {
        return new byte[] {REQUEST_MARKER};
    }

    static boolean isRequest(byte[] bytes) {
        return bytes.length == 1 && bytes[0] == REQUEST_MARKER;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(REPLY_VERSION);
            out.writeUTF(id);
            out.writeUTF(apiAddress);
            out.writeUTF(version);
            out.writeBoolean(nonVoter);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not an encoded {@link NodeMeta} */
    static NodeMeta decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte v = in.readByte();
            if (v != 1 && v != REPLY_VERSION) {
                throw new IllegalArgumentException("unknown node metadata version");
            }
            return new NodeMeta(in.readUTF(), in.readUTF(), in.readUTF(), v == REPLY_VERSION && in.readBoolean());
        } catch (IOException e) {
            throw new IllegalArgumentException("not node metadata: " + e.getMessage(), e);
        }
    }
}
