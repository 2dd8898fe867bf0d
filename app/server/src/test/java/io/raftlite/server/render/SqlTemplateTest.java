package io.raftlite.server.render;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlTemplateTest {

    private final SqlTemplate templates = new SqlTemplate();

    @Test
    void aTemplateQueriesWithParametersAndLoopsOverRows() {
        FakeSource db = new FakeSource();
        db.settings.put("port", "8080");
        db.settings.put("host", "a&b<c>");
        SqlTemplate.Output out = templates.evaluate("""
                # generated
                {% for r in query("SELECT k, v FROM settings WHERE env = ? AND n > ?", "prod", 3) -%}
                {{ r.k }}={{ r.v }}
                {% endfor -%}
                """, db);
        assertEquals("# generated\nhost=a&b<c>\nport=8080\n", out.text(), "rows in order, nothing HTML-escaped");
        assertEquals(List.of("prod", 3L), db.seen.get(0).positional(), "parameters are bound, not spliced");
        assertEquals(Set.of("settings"), out.tables());
    }

    @Test
    void theTablesReadAreRecordedOrUnknownWhenTheSqlIsTooComplexToTell() {
        assertEquals(Set.of("settings", "hosts"), TemplateTables.of(
                "SELECT * FROM settings s JOIN \"Hosts\" h ON s.h = h.id WHERE s.k IN (SELECT k FROM settings)"));
        assertEquals(Set.of("a", "b"), TemplateTables.of("select * from main.a, b where 1"));
        assertNull(TemplateTables.of("SELECT * FROM (SELECT 1)"));
        assertNull(TemplateTables.of("WITH x AS (SELECT 1) SELECT * FROM x"));
        assertNull(TemplateTables.of("SELECT * FROM json_each('[1]')"));
    }

    @Test
    void errorsNameWhatWentWrong() {
        FakeSource db = new FakeSource();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> templates.evaluate("{{ query(\"SELECT * FROM other\") }}", db));
        assertTrue(e.getMessage().contains("no such table: other"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> templates.evaluate("{{ nothing }}", db));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> templates.evaluate("{% for %}", db));
    }
}
