package io.raftlite.server.cli;

/** {@code raftlite query -h} and the like: every client command, flag and exit code (docs/cli.md says more). */
final class CliHelp {

    static final String TEXT = """
            raftlite client commands (they talk to a node's HTTP API; docs/cli.md):
              raftlite query 'SQL' [params...]   a read (POST /db/query); rows as a table
              raftlite exec 'SQL' [params...]    a write (POST /db/execute)
              raftlite status                    the node's /status, summarised
              raftlite backup FILE               GET /db/backup into FILE (-fmt sql: a SQL dump; FILE - : stdout)
              raftlite restore FILE              POST /db/load: a SQLite file or SQL text replaces the database
              raftlite watch [-tables a,b]       one line "INDEX table,..." per change (GET /db/watch); -once: the
                                                 first change only; -wait 60s: how long each long poll waits
              raftlite shell                     an interactive shell with history (.help inside)
              raftlite render -config FILE       render FILE's render list from the node's data (docs/render.md);
                                                 -once: every file once (exit 1 if one failed), else until stopped
            params: a JSON number, true, false, null or "a quoted string" is that value; any other word is text.

            flags (any command):
              -H host:port         the node (default 127.0.0.1:4001; https://host:port also works)
              -json                the node's JSON as it came, instead of tables
              -timeout 60s         how long to wait for an answer
              -http-ca-cert FILE   HTTPS, trusting the CA bundle FILE (the node's -http-ca-cert or ca.pem)
              -http-cert FILE -http-key FILE
                                   HTTPS with this client certificate (for nodes with -http-verify-client)
              -insecure            HTTPS without checking the node's certificate (tests only)
              -u USER              Basic credentials for nodes with -auth; the password comes from
                                   RAFTLITE_PASSWORD or a prompt, never from the command line (ps shows argv)

            exit codes: 0 ok, 1 a statement failed (SQL error in a result), 2 usage error,
                        3 node unreachable / TLS failure / unexpected HTTP status, 4 refused (401, 403)
            """;

    private CliHelp() {
    }
}
