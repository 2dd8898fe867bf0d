package io.raftlite.server.render;

import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.config.SettingsResolver;
import io.raftlite.server.config.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code render} list as an operator writes it in raftlite.yml. */
class RenderConfigTest {

    @TempDir
    Path dir;

    @Test
    void theListIsReadFromTheConfigFile() throws Exception {
        Path file = dir.resolve("raftlite.yml");
        Files.writeString(file, """
                raftlite:
                  render:
                    - template: /etc/raftlite/app.peb
                      destination: /etc/app/app.conf
                      perms: "0640"
                      check_command: ["app", "-t", "{{.}}"]
                      reload_command: systemctl reload app
                      wait: {min: 1s, max: 5s}
                """);
        NodeSettings s = ((SettingsResolver.Run) SettingsResolver.resolve(
                new String[] {"-config", file.toString()}, Map.of())).settings();
        assertEquals(1, s.render().size());
        RenderSpec spec = s.render().get(0);
        assertEquals(List.of("systemctl", "reload", "app"), spec.reloadCommand());
        assertEquals(Duration.ofSeconds(5), spec.waitMax());
        assertEquals(List.of(), ((SettingsResolver.Run) SettingsResolver.resolve(new String[0], Map.of()))
                .settings().render(), "none by default");
    }

    @Test
    void anUnquotedModeIsRefusedRatherThanReadAsDecimal() throws Exception {
        Path file = dir.resolve("raftlite.yml");
        Files.writeString(file, """
                raftlite:
                  render:
                    - {template: /t, destination: /d, perms: 0640}
                """);
        UsageException e = assertThrows(UsageException.class,
                () -> SettingsResolver.resolve(new String[] {"-config", file.toString()}, Map.of()));
        assertTrue(e.getMessage().contains("perms must be quoted"), e.getMessage());
    }

    @Test
    void aBadEntryStopsTheStartWithItsName() throws Exception {
        Path file = dir.resolve("raftlite.yml");
        Files.writeString(file, """
                raftlite:
                  render:
                    - template: /t
                """);
        UsageException e = assertThrows(UsageException.class,
                () -> SettingsResolver.resolve(new String[] {"-config", file.toString()}, Map.of()));
        assertTrue(e.getMessage().contains("render entry 1: destination is required"), e.getMessage());
    }
}
