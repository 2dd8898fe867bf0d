package io.raftlite.core.auth;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialStoreTest {

    /** rqlite's documented example, plus a user whose password is a bcrypt hash (cost 4, for speed). */
    static final String HASH = OpenBSDBCrypt.generate("2b", "s3cret-b".toCharArray(), new byte[16], 4);
    static final String EXAMPLE = """
            [
              {"username": "bob",  "password": "secret1", "perms": ["all"]},
              {"username": "mary", "password": "secret2", "perms": ["query", "backup", "join"]},
              {"username": "carol", "password": "%s", "perms": ["execute"]},
              {"username": "*", "perms": ["status", "ready", "join-read-only"]}
            ]""".formatted(HASH);

    @TempDir
    Path dir;

    static CredentialStore store(String json, List<String> warnings) {
        return CredentialStore.parse(json.getBytes(StandardCharsets.UTF_8), "auth file test.json", warnings);
    }

    static BasicCredentials as(String user, String password) {
        return new BasicCredentials(user, password);
    }

    @Test
    void rqlitesExampleGrantsWhatItSays() {
        CredentialStore s = store(EXAMPLE, new ArrayList<>());
        Set<String> execute = Set.of(Permission.EXECUTE);
        assertEquals(AuthDecision.Outcome.ALLOWED, s.decide(as("bob", "secret1"), execute).outcome());
        assertEquals("bob", s.decide(as("bob", "secret1"), execute).user());
        assertEquals(AuthDecision.Outcome.FORBIDDEN, s.decide(as("mary", "secret2"), execute).outcome());
        assertEquals(AuthDecision.Outcome.ALLOWED, s.decide(as("mary", "secret2"), Set.of(Permission.QUERY)).outcome());
        assertEquals(AuthDecision.Outcome.UNAUTHENTICATED, s.decide(as("mary", "secret1"), Set.of(Permission.QUERY)).outcome());
        assertEquals(AuthDecision.Outcome.UNAUTHENTICATED, s.decide((BasicCredentials) null, execute).outcome());
        // what * may do needs no credentials, and any user has it too
        assertEquals(AuthDecision.Outcome.ALLOWED, s.decide((BasicCredentials) null, Set.of(Permission.STATUS)).outcome());
        assertEquals(AuthDecision.Outcome.ALLOWED, s.decide(as("mary", "secret2"), Set.of(Permission.READY)).outcome());
        // but wrong credentials are refused even there
        assertEquals(AuthDecision.Outcome.UNAUTHENTICATED, s.decide(as("mary", "nope"), Set.of(Permission.READY)).outcome());
        // /db/request needs both
        Set<String> both = Set.of(Permission.QUERY, Permission.EXECUTE);
        assertEquals(AuthDecision.Outcome.FORBIDDEN, s.decide(as("mary", "secret2"), both).outcome());
        assertEquals(AuthDecision.Outcome.FORBIDDEN, s.decide(as("carol", "s3cret-b"), both).outcome());
        assertEquals(AuthDecision.Outcome.ALLOWED, s.decide(as("bob", "secret1"), both).outcome());
    }

    @Test
    void everyoneIsNoUserAndHasNoPassword() {
        CredentialStore s = store(EXAMPLE, new ArrayList<>());
        assertEquals(AuthDecision.Outcome.UNAUTHENTICATED, s.decide(as("*", ""), Set.of(Permission.STATUS)).outcome());
        assertEquals(AuthDecision.Outcome.UNAUTHENTICATED, s.decide(as("nobody", ""), Set.of(Permission.STATUS)).outcome());
    }

    @Test
    void bcryptHashIsCheckedOnceThenRemembered() {
        CredentialStore s = store(EXAMPLE, new ArrayList<>());
        String good = as("carol", "s3cret-b").header();
        String bad = as("carol", "s3cret-c").header();
        assertFalse(s.isQuick(good));
        assertEquals(AuthDecision.Outcome.ALLOWED, s.decide(good, Set.of(Permission.EXECUTE)).outcome());
        assertTrue(s.isQuick(good));
        assertFalse(s.isQuick(bad));
        assertEquals(AuthDecision.Outcome.UNAUTHENTICATED, s.decide(bad, Set.of(Permission.EXECUTE)).outcome());
        assertTrue(s.isQuick(bad));
        assertEquals(AuthDecision.Outcome.ALLOWED, s.decide(good, Set.of(Permission.EXECUTE)).outcome());
        assertTrue(s.isQuick(as("bob", "anything").header()), "plaintext is always quick");
    }

    /** Hashes of "secret2" made by the tools docs/security.md names: htpasswd -nbBC 10 and mkpasswd -m bcrypt. */
    @Test
    void hashesOfTheDocumentedToolsAreAccepted() {
        for (String hash : List.of("$2y$10$MGOR37tj7eRQlAE1/ZuVK.VvT4ZifrdKycUK4ckMy8zNjzjQ367Xq",
                "$2b$10$yK8Q.nX5pmQsEOMeagUuIeK3XN475FJ94tZvYbc7vWwj221VpArPm")) {
            CredentialStore s = store("[{\"username\":\"mary\",\"password\":\"" + hash + "\",\"perms\":[\"query\"]}]",
                    new ArrayList<>());
            assertEquals(AuthDecision.Outcome.ALLOWED, s.decide(as("mary", "secret2"), Set.of(Permission.QUERY)).outcome());
            assertEquals(AuthDecision.Outcome.UNAUTHENTICATED,
                    s.decide(as("mary", "secret3"), Set.of(Permission.QUERY)).outcome());
        }
    }

    @Test
    void headersThatAreNotBasicAreWrongCredentials() {
        CredentialStore s = store(EXAMPLE, new ArrayList<>());
        for (String h : List.of("Bearer abc", "Basic !!!", "Basic " + java.util.Base64.getEncoder()
                .encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)), "Basic")) {
            AuthDecision d = s.decide(h, Set.of(Permission.STATUS));
            assertEquals(AuthDecision.Outcome.UNAUTHENTICATED, d.outcome(), h);
        }
        assertEquals(AuthDecision.Outcome.ALLOWED,
                s.decide("basic " + as("bob", "secret1").header().substring(6), Set.of(Permission.LOAD)).outcome());
    }

    @Test
    void warnsOfPlaintextNamingUsersNeverPasswords() {
        List<String> warnings = new ArrayList<>();
        store(EXAMPLE, warnings);
        String all = String.join("\n", warnings);
        assertTrue(all.contains("[bob, mary]"), all);
        assertFalse(all.contains("secret1") || all.contains("secret2") || all.contains(HASH), all);
    }

    @Test
    void warnsOfUnknownPermissionsAndKeys() {
        List<String> warnings = new ArrayList<>();
        store("[{\"username\":\"a\",\"password\":\"p\",\"perm\":[\"query\"],\"perms\":[\"qurey\"]}]", warnings);
        String all = String.join("\n", warnings);
        assertTrue(all.contains("unknown permission 'qurey'"), all);
        assertTrue(all.contains("unknown key 'perm'"), all);
    }

    @Test
    void malformedFilesAreRefusedWithoutQuotingThem() {
        List<String> bad = List.of("{}", "[1]", "[{\"password\":\"x\"}]", "[{\"username\":\"a\"}]",
                "[{\"username\":\"a\",\"password\":\"\"}]", "[{\"username\":\"a\",\"password\":\"p\",\"perms\":\"all\"}]",
                "[{\"username\":\"a\",\"password\":\"p\"},{\"username\":\"a\",\"password\":\"q\"}]",
                "[{\"username\":\"a:b\",\"password\":\"p\"}]",
                "[{\"username\":\"a\",\"password\":\"$2b$10$tooshort\"}]",
                "[{\"username\":\"a\",\"password\": hunter2}]", "");
        for (String json : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store(json, new ArrayList<>()), json);
            assertTrue(e.getMessage().startsWith("auth file test.json"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains("tooshort"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void emptyFileMeansNoUsers() {
        CredentialStore s = store("[]", new ArrayList<>());
        assertEquals(AuthDecision.Outcome.UNAUTHENTICATED, s.decide((BasicCredentials) null, Set.of(Permission.READY)).outcome());
        assertEquals(AuthDecision.Outcome.ALLOWED, s.decide((BasicCredentials) null, Set.of()).outcome());
    }

    @Test
    void loadWarnsOfALooseModeAndRefusesAMissingFile() throws Exception {
        Path file = dir.resolve("auth.json");
        Files.writeString(file, "[{\"username\":\"a\",\"password\":\"" + HASH + "\",\"perms\":[\"all\"]}]");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(List.of(), CredentialStore.load(file).warnings());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(CredentialStore.load(file).warnings().get(0).contains("readable by group or others"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CredentialStore.load(dir.resolve("missing.json")));
        assertEquals("cannot read auth file " + dir.resolve("missing.json") + ": no such file", e.getMessage());
    }

    @Test
    void printsNoSecret() {
        CredentialStore s = store(EXAMPLE, new ArrayList<>());
        assertEquals("CredentialStore[4 users]", s.toString());
        assertEquals("BasicCredentials[user=bob]", as("bob", "secret1").toString());
        assertNull(s.decide(as("bob", "wrong"), Set.of(Permission.QUERY)).user());
    }

    @Test
    void endpointRulesFollowRqlite() {
        assertEquals(Set.of(Permission.EXECUTE), EndpointPermissions.required("/db/execute"));
        assertEquals(Set.of(Permission.QUERY), EndpointPermissions.required("/db/query"));
        assertEquals(Set.of(Permission.QUERY), EndpointPermissions.required("/db/watch"), "raftlite's own: a read");
        assertEquals(Set.of(Permission.QUERY, Permission.EXECUTE), EndpointPermissions.required("/db/request"));
        assertEquals(Set.of(Permission.BACKUP), EndpointPermissions.required("/db/backup"));
        assertEquals(Set.of(Permission.LOAD), EndpointPermissions.required("/db/load"));
        assertEquals(Set.of(Permission.REMOVE), EndpointPermissions.required("/remove"));
        assertEquals(Set.of(Permission.STATUS), EndpointPermissions.required("/status"));
        assertEquals(Set.of(Permission.STATUS), EndpointPermissions.required("/nodes"));
        assertEquals(Set.of(Permission.STATUS), EndpointPermissions.required("/metrics"));
        assertEquals(Set.of(Permission.LEADER_OPS), EndpointPermissions.required("/leader"));
        assertEquals(Set.of(Permission.READY), EndpointPermissions.required("/readyz"));
        assertEquals(Set.of(Permission.EXECUTE), EndpointPermissions.required("/db/executeX"), "prefix, as rqlite");
        assertEquals(Set.of(), EndpointPermissions.required("/nothing-here"));
    }
}
