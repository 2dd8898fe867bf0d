package io.raftlite.server.auth;

import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.config.SettingsResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthFilterTest {

    @TempDir
    Path tmp;

    private NodeSettings settings(String... args) throws Exception {
        Path auth = tmp.resolve("auth.json");
        Files.writeString(auth, "[{\"username\": \"*\", \"perms\": [\"all\"]}]");
        Files.setPosixFilePermissions(auth, PosixFilePermissions.fromString("rw-------"));
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("-no-auth")) {
            all.addAll(List.of("-auth", auth.toString()));
        }
        all.remove("-no-auth");
        all.addAll(List.of("-raft-insecure", tmp.resolve("data").toString()));
        return ((SettingsResolver.Run) SettingsResolver.resolve(all.toArray(String[]::new), Map.of())).settings();
    }

    @Test
    void authOnARoutableAddressWithoutHttpsIsWarnedAbout() throws Exception {
        String warning = AuthFilter.plainTextWarning(settings("-http-addr", "10.1.2.3:4001")).orElseThrow();
        assertTrue(warning.startsWith("-auth on 10.1.2.3:4001 without HTTPS"), warning);
        assertEquals(java.util.Optional.empty(), AuthFilter.plainTextWarning(settings("-http-addr", "127.0.0.1:4001")));
        assertEquals(java.util.Optional.empty(),
                AuthFilter.plainTextWarning(settings("-no-auth", "-http-addr", "10.1.2.3:4001")));
    }
}
