package io.raftlite.server.render;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderSpecTest {

    @Test
    void entriesAreReadWithTheirDefaults() {
        List<RenderSpec> specs = RenderSpec.parseAll(List.of(
                Map.of("template", "/etc/app.peb", "destination", "/etc/app.conf", "perms", "0640",
                        "check_command", "app -t -c {{.}}", "reload_command", List.of("systemctl", "reload", "app"),
                        "wait", Map.of("min", "2s", "max", "10s")),
                Map.of("template", "/etc/b.peb", "destination", "/etc/b.conf", "wait", "1s")));
        RenderSpec a = specs.get(0);
        assertEquals(Path.of("/etc/app.conf"), a.destination());
        assertEquals(List.of("app", "-t", "-c", "{{.}}"), a.checkCommand());
        assertEquals(List.of("systemctl", "reload", "app"), a.reloadCommand());
        assertEquals(Duration.ofSeconds(2), a.waitMin());
        assertEquals(Duration.ofSeconds(10), a.waitMax());
        assertEquals(Duration.ofSeconds(30), a.timeout());
        assertEquals(Duration.ofSeconds(4), specs.get(1).waitMax(), "consul-template's default max: 4 x min");
    }

    @Test
    void mistakesAreNamed() {
        Object[][] bad = {
            {List.of(Map.of("destination", "/x")), "template is required"},
            {List.of(Map.of("template", "t", "destination", "/x", "perms", "rw")), "octal"},
            {List.of(Map.of("template", "t", "destination", "/x", "wiat", "1s")), "unknown key 'wiat'"},
            {List.of(Map.of("template", "t", "destination", "/x", "wait", "1x")), "not a duration"},
            {List.of(Map.of("template", "t", "destination", "/x"), Map.of("template", "u", "destination", "/x")),
                "same destination"},
            {Map.of("template", "t"), "must be a list"},
        };
        for (Object[] b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RenderSpec.parseAll(b[0]));
            assertTrue(e.getMessage().contains((String) b[1]), e.getMessage());
        }
    }
}
