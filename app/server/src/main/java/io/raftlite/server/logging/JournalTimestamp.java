package io.raftlite.server.logging;

import ch.qos.logback.core.PropertyDefinerBase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * logback's {@code LINE_START} pattern: when stdout is systemd's journal, the level after journald's priority
 * prefix ({@link JournalPriority}) and no time (journald stamps every line itself); otherwise the level after
 * {@code HH:mm:ss.SSS} (logback trims a defined value, so the space between them cannot be left to the pattern). systemd sets {@code JOURNAL_STREAM=device:inode} for a service
 * whose stdout or stderr is the journal; a child whose stdout was redirected elsewhere inherits it, so the
 * inode is compared with stdout's ({@code /proc/self/fd/1} reads {@code socket:[inode]}) where Linux shows it.
 */
public final class JournalTimestamp extends PropertyDefinerBase {

    static final String LEVEL = "%-5level";
    static final String ON_JOURNAL = "%journalPriority" + LEVEL;
    static final String WITH_TIME = "%d{HH:mm:ss.SSS} " + LEVEL;

    @Override
    public String getPropertyValue() {
        return prefix(System.getenv(), Path.of("/proc/self/fd/1"));
    }

    static String prefix(Map<String, String> env, Path stdoutLink) {
        return onJournal(env.get("JOURNAL_STREAM"), stdoutLink) ? ON_JOURNAL : WITH_TIME;
    }

    static boolean onJournal(String journalStream, Path stdoutLink) {
        if (journalStream == null || journalStream.isBlank()) {
            return false;
        }
        int colon = journalStream.indexOf(':');
        String inode = journalStream.substring(colon + 1).trim();
        try {
            String target = Files.readSymbolicLink(stdoutLink).toString();
            return target.equals("socket:[" + inode + "]"); // the journal is a stream socket
        } catch (IOException | UnsupportedOperationException e) {
            return true; // cannot tell: trust systemd's variable
        }
    }
}
