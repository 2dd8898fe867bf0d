package io.raftlite.core.auth;

import io.raftlite.core.json.Json;
import io.raftlite.core.json.JsonException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The users of an rqlite auth file, their passwords and permissions, and the decision for one request
 * (rqlite's {@code AA}). Immutable after {@link #load}; safe for concurrent use. {@link #toString} counts users.
 */
public final class CredentialStore {

    /** The user name that grants its permissions to everyone, anonymous requests included. */
    public static final String EVERYONE = "*";

    private static final Set<String> ENTRY_KEYS = Set.of("username", "password", "perms");
    private static final Pattern OFFSET = Pattern.compile(" at character offset (\\d+)");

    private final Map<String, StoredPassword> passwords;
    private final Map<String, Set<String>> perms;
    private final List<String> warnings;

    private CredentialStore(Map<String, StoredPassword> passwords, Map<String, Set<String>> perms,
                            List<String> warnings) {
        this.passwords = Map.copyOf(passwords);
        this.perms = Map.copyOf(perms);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Reads an auth file. A file readable by group or others is accepted with a warning (it may hold
     * plaintext passwords), as are plaintext passwords and unknown permission names; see {@link #warnings}.
     *
     * @throws IllegalArgumentException with one line naming the file and the problem (never a password)
     */
    public static CredentialStore load(Path file) {
        byte[] bytes;
        List<String> warnings = new ArrayList<>();
        try {
            bytes = Files.readAllBytes(file);
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                warnings.add("auth file " + file + " is readable by group or others and may hold passwords:"
                        + " chmod 600 " + file + " (owned by the user raftlite runs as)");
            }
        } catch (UnsupportedOperationException e) {
            bytes = readQuietly(file); // not a POSIX file system: no mode to check
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read auth file " + file + ": " + describe(e));
        }
        return parse(bytes, "auth file " + file, warnings);
    }

    private static byte[] readQuietly(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read auth file " + file + ": " + describe(e));
        }
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    /** Parses the JSON of an auth file; {@code source} names it in messages ("auth file /etc/…"). */
    static CredentialStore parse(byte[] json, String source, List<String> warnings) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (JsonException e) {
            // Jackson's message can quote the text it met, which may be a password: give only where
            Matcher m = OFFSET.matcher(String.valueOf(e.getMessage()));
            throw new IllegalArgumentException(source + " is not valid JSON" + (m.find() ? m.group() : ""));
        }
        if (!(root instanceof List<?> entries)) {
            throw new IllegalArgumentException(source + " must hold a JSON array of {\"username\", \"password\","
                    + " \"perms\"} objects");
        }
        Map<String, StoredPassword> passwords = new LinkedHashMap<>();
        Map<String, Set<String>> perms = new LinkedHashMap<>();
        List<String> plaintext = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String where = source + ", entry " + (i + 1);
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw new IllegalArgumentException(where + " is not a JSON object");
            }
            String user = userName(entry, where);
            if (perms.containsKey(user)) {
                throw new IllegalArgumentException(where + ": user '" + user + "' is listed twice");
            }
            where = where + " (user '" + user + "')";
            for (Object key : entry.keySet()) {
                if (!ENTRY_KEYS.contains(key)) {
                    warnings.add(where + ": unknown key '" + key + "' is ignored");
                }
            }
            perms.put(user, permissions(entry.get("perms"), where, warnings));
            StoredPassword password = password(entry.get("password"), user, where, warnings);
            if (password != null) {
                passwords.put(user, password);
                if (password.isPlaintext()) {
                    plaintext.add(user);
                }
            }
        }
        if (!plaintext.isEmpty()) {
            warnings.add(source + " holds plaintext passwords for " + plaintext + ": store bcrypt hashes instead"
                    + " (e.g. htpasswd -nbBC 10 USER PASSWORD)");
        }
        return new CredentialStore(passwords, perms, warnings);
    }

    private static String userName(Map<?, ?> entry, String where) {
        if (!(entry.get("username") instanceof String user) || user.isEmpty()) {
            throw new IllegalArgumentException(where + " has no \"username\" string");
        }
        if (user.indexOf(':') >= 0 || user.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(where + ": a user name cannot hold ':' or control characters"
                    + " (HTTP Basic authentication could not send it)");
        }
        return user;
    }

    private static StoredPassword password(Object value, String user, String where, List<String> warnings) {
        if (user.equals(EVERYONE)) {
            if (value != null) {
                warnings.add(where + ": the password is ignored: '*' is everyone, anonymous requests included");
            }
            return null;
        }
        if (!(value instanceof String stored) || stored.isEmpty()) {
            throw new IllegalArgumentException(where + " has no \"password\" string: every named user needs one");
        }
        if (StoredPassword.looksLikeBcrypt(stored) && !StoredPassword.isBcrypt(stored)) {
            throw new IllegalArgumentException(where + ": the password looks like a bcrypt hash but is not a"
                    + " well-formed one ($2a$, $2b$ or $2y$, a cost of 04-31, 53 characters of salt and hash)");
        }
        return StoredPassword.of(stored);
    }

    private static Set<String> permissions(Object value, String where, List<String> warnings) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException(where + ": \"perms\" must be an array of permission names");
        }
        for (Object p : list) {
            if (!Permission.KNOWN.contains(p)) {
                warnings.add(where + ": unknown permission '" + p + "' grants nothing (known: "
                        + new java.util.TreeSet<>(Permission.KNOWN) + ")");
            }
        }
        return Set.copyOf(list.stream().map(String.class::cast).toList());
    }

    /** Startup warnings: loose file mode, plaintext passwords (naming the users), unknown names. */
    public List<String> warnings() {
        return warnings;
    }

    /** Whether {@code perm} is granted to everyone, anonymous requests included. */
    public boolean grantsEveryone(String perm) {
        Set<String> p = perms.getOrDefault(EVERYONE, Set.of());
        return p.contains(perm) || p.contains(Permission.ALL);
    }

    /**
     * Whether {@link #decide(String, Set)} answers at once for this {@code Authorization} header (false: a
     * bcrypt check is due, tens of milliseconds).
     */
    public boolean isQuick(String authorization) {
        BasicCredentials c = authorization == null ? null : BasicCredentials.parse(authorization).orElse(null);
        StoredPassword p = c == null ? null : passwords.get(c.user());
        return p == null || p.isQuick(c.password());
    }

    /**
     * The decision for a request that sent this {@code Authorization} header (null: none); a header that is
     * not well-formed Basic authentication counts as wrong credentials.
     */
    public AuthDecision decide(String authorization, Set<String> required) {
        if (authorization == null) {
            return decide((BasicCredentials) null, required);
        }
        return BasicCredentials.parse(authorization).map(c -> decide(c, required))
                .orElseGet(() -> AuthDecision.unauthenticated("malformed Authorization header (Basic expected)"));
    }

    /**
     * rqlite's {@code AA} for a request that needs every permission in {@code required}: a permission granted
     * to {@code *} needs no credentials, any other needs a known user, the right password and the permission
     * (or {@code all}). Sent credentials are always checked, even for what {@code *} may do.
     *
     * @param credentials what the request sent, null when it sent none
     */
    public AuthDecision decide(BasicCredentials credentials, Set<String> required) {
        if (credentials == null) {
            for (String perm : required) {
                if (!grantsEveryone(perm)) {
                    return AuthDecision.unauthenticated("no credentials; '" + perm + "' is not granted to everyone");
                }
            }
            return AuthDecision.allow(null);
        }
        StoredPassword stored = passwords.get(credentials.user());
        if (stored == null || !stored.matches(credentials.password())) {
            return AuthDecision.unauthenticated("unknown user or wrong password");
        }
        Set<String> granted = perms.getOrDefault(credentials.user(), Set.of());
        for (String perm : required) {
            if (!granted.contains(perm) && !granted.contains(Permission.ALL) && !grantsEveryone(perm)) {
                return AuthDecision.forbidden(credentials.user(), "lacks permission '" + perm + "'");
            }
        }
        return AuthDecision.allow(credentials.user());
    }

    @Override
    public String toString() {
        return "CredentialStore[" + perms.size() + " users]";
    }
}
