package io.raftlite.server.render;

import io.raftlite.core.sql.SqlLexer;
import io.raftlite.core.sql.SqlToken;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables a SELECT reads, from its tokens: the names after FROM and JOIN (and after commas in a FROM
 * list). Null when it cannot tell (a sub-select or table-valued function in FROM, a WITH), so that the
 * template re-renders on a change of any table rather than missing one.
 */
final class TemplateTables {

    private TemplateTables() {
    }

    static Set<String> of(String sql) {
        List<SqlToken> tokens = SqlLexer.tokenize(sql);
        Set<String> tables = new TreeSet<>();
        boolean inFrom = false;
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            if (t.isKeyword("WITH")) {
                return null;
            }
            boolean starts = t.isKeyword("FROM") || t.isKeyword("JOIN") || inFrom && t.isPunct(",");
            if (t.isKeyword("WHERE") || t.isKeyword("GROUP") || t.isKeyword("ORDER") || t.isKeyword("LIMIT")
                    || t.isKeyword("ON") || t.isKeyword("USING") || t.isPunct(")")) {
                inFrom = false;
            }
            if (!starts) {
                continue;
            }
            inFrom = true;
            SqlToken name = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            if (name == null || name.kind() != SqlToken.Kind.WORD && name.kind() != SqlToken.Kind.QUOTED_ID) {
                return null;
            }
            int next = i + 2;
            if (next + 1 < tokens.size() && tokens.get(next).isPunct(".")) { // schema.table
                name = tokens.get(next + 1);
                next += 2;
            }
            if (next < tokens.size() && tokens.get(next).isPunct("(")) {
                return null; // a table-valued function
            }
            tables.add(name.text().toLowerCase(Locale.ROOT));
        }
        return tables;
    }
}
