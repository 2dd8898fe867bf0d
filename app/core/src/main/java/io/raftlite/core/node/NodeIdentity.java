package io.raftlite.core.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/** Reads, checks and persists the node id kept in {@code <data-dir>/node-id}. */
public final class NodeIdentity {

    static final String FILE_NAME = "node-id";
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._:\\-\\[\\]]{1,128}");

    private NodeIdentity() {
    }

    /**
     * Returns the id this node runs as, persisting it on first start.
     *
     * @param dataDir     the node's data directory (created if absent)
     * @param requestedId the id asked for on the command line or in configuration, or null/blank
     * @param defaultId   the id to use on first start when none is asked for (the advertised Raft address)
     * @throws IdentityException when the requested id differs from the persisted one, or is not a valid id
     */
    public static String resolve(Path dataDir, String requestedId, String defaultId) {
        String requested = requestedId == null || requestedId.isBlank() ? null : requestedId.trim();
        if (requested != null && !VALID_ID.matcher(requested).matches()) {
            throw new IdentityException("invalid node id '" + requested
                    + "': use 1-128 characters from letters, digits and . _ : - [ ]");
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                String persisted = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (requested != null && !requested.equals(persisted)) {
                    throw new IdentityException("data directory " + dataDir + " belongs to node '" + persisted
                            + "', refusing to start it as '" + requested
                            + "' (a node id never changes; use a new data directory for a new node)");
                }
                return persisted;
            }
            String id = requested != null ? requested : defaultId;
            Files.createDirectories(dataDir);
            Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
            Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A node id that cannot be used; the message is meant for the operator, as is. */
    public static final class IdentityException extends RuntimeException {
        public IdentityException(String message) {
            super(message);
        }
    }
}
