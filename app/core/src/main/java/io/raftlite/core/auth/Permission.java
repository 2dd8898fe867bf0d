package io.raftlite.core.auth;

import java.util.Set;

/** rqlite's permission names ({@code rqlite:auth/credential_store.go}), as they appear in an auth file. */
public final class Permission {

    public static final String ALL = "all";
    public static final String EXECUTE = "execute";
    public static final String QUERY = "query";
    public static final String LOAD = "load";
    public static final String BACKUP = "backup";
    public static final String STATUS = "status";
    public static final String READY = "ready";
    public static final String LEADER_OPS = "leader-ops";
    public static final String REMOVE = "remove";
    public static final String SNAPSHOT = "snapshot";
    public static final String JOIN = "join";
    public static final String JOIN_READ_ONLY = "join-read-only";
    public static final String JOIN_READ_REPLICA = "join-read-replica";
    public static final String UI = "ui";

    /** Every name rqlite knows; another name in a file is kept (it grants nothing) and warned about. */
    public static final Set<String> KNOWN = Set.of(ALL, EXECUTE, QUERY, LOAD, BACKUP, STATUS, READY, LEADER_OPS,
            REMOVE, SNAPSHOT, JOIN, JOIN_READ_ONLY, JOIN_READ_REPLICA, UI);

    private Permission() {
    }
}
