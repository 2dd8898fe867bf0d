package io.raftlite.core.store;

import io.raftlite.core.membership.Membership;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.server.raftlog.RaftLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Recovery from permanent quorum loss (rqlite's {@code peers.json}, etcd's {@code --force-new-cluster}), run on a
 * node whose store started from its own Raft state without a quorum. Ratis has no way to rewrite a group's
 * membership in place, so the node moves to a new group of itself alone that starts from its data:
 * <ol>
 *   <li>wait until the state machine applied every entry its log knows to be committed;</li>
 *   <li>ask the other voters of its configuration over Raft; refuse (nothing changed) when this node and those
 *       that answer are a majority: the cluster is not lost;</li>
 *   <li>copy the applied database and keep the log entries after it (in the log but not known here to be
 *       committed: as hashicorp-raft's {@code RecoverCluster} behind rqlite, they are kept, so a write the
 *       old leader acknowledged is not lost because its commit had not reached this node yet); refuse when one
 *       of them does not fit into one log entry;</li>
 *   <li>stop the server, rename the group's Raft directory to {@code raft/<group>.recovered-<time>} (never
 *       deleted; Ratis ignores a directory whose name is not a group id), keep the copy there too, start a new
 *       group of this node alone with the same cluster name whose storage Ratis formatted and whose state
 *       machine's snapshot is the copy (so its size is not bounded by a log entry's; joining nodes get it as any
 *       snapshot), then append the kept entries, unchanged (their time and seed travel in them, so they apply
 *       as they would have).</li>
 * </ol>
 * A node that is its configuration's only voter has nothing to recover and runs on as it is. Each step logs one
 * line. Not thread-safe: the store runs it once, at start, before serving anything.
 */
final class QuorumRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(QuorumRecovery.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    /** What recovery needs from the store. */
    interface Host {
        RaftServer.Division division();

        long appliedIndex();

        void backup(Path target);

        /**
         * Stops the server, renames the group's directory to {@code aside}, runs {@code seed} (the group's new
         * directory does not exist yet), starts a group of this node alone.
         */
        void restartAlone(Path aside, Seed seed) throws IOException;

        boolean awaitReady(Duration timeout) throws InterruptedException;

        CompletableFuture<byte[]> submitEntry(byte[] entry);
    }

    /** Fills the new group's directory before its server starts. */
    @FunctionalInterface
    interface Seed {
        void run() throws IOException;
    }

    private final Host host;
    private final RaftTransport transport;
    private final RaftGroupId groupId;
    private final RaftPeerId self;
    private final Path groupDir;
    private final EntryLimits limits;
    private final Duration timeout;

    QuorumRecovery(Host host, RaftTransport transport, RaftGroupId groupId, RaftPeerId self, Path raftDir,
                   EntryLimits limits, Duration timeout) {
        this.host = host;
        this.transport = transport;
        this.groupId = groupId;
        this.self = self;
        this.groupDir = raftDir.resolve(groupId.getUuid().toString());
        this.limits = limits;
        this.timeout = timeout;
    }

    /**
     * Runs the steps above; returns once the new group has the data applied.
     *
     * @throws StoreException INVALID (nothing changed) when a majority still answers or a kept entry is too large,
     *                        UNAVAILABLE or TIMEOUT when a step fails
     */
    void run() throws IOException, InterruptedException {
        RaftServer.Division d = host.division();
        long applied = awaitCommittedApplied(d);
        if (!quorumLost(d)) {
            return;
        }
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
        Path aside = groupDir.resolveSibling(groupDir.getFileName() + ".recovered-" + stamp);
        Path copy = groupDir.resolveSibling(groupDir.getFileName() + ".recovered-" + stamp + ".sqlite");
        host.backup(copy);
        List<byte[]> tail;
        try {
            tail = tail(d, applied);
            refuseTooLarge(tail);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        LOG.info("recover: copied the database applied up to index {} ({} bytes); {} later log entries to keep",
                applied, Files.size(copy), tail.size());
        host.restartAlone(aside, () -> seed(copy, applied));
        Files.move(copy, aside.resolve("db.sqlite"));
        LOG.info("recover: moved the old Raft state (and the copy, db.sqlite) to {}; started a new group of {} alone"
                + " from a snapshot of the copy at index {}", aside, self, applied);
        if (!host.awaitReady(timeout)) {
            throw new StoreException(StoreException.Reason.TIMEOUT, "recover: the new group elected no leader within "
                    + timeout + "; the data is in " + aside.resolve("db.sqlite"), null);
        }
        for (byte[] entry : tail) {
            write(entry, aside);
        }
        LOG.info("recover: done; {} is a single-node cluster with the data up to its old last log index; add nodes"
                + " with -join", self);
    }

    /** Waits until every entry the log knows to be committed is applied; returns the applied index. */
    private long awaitCommittedApplied(RaftServer.Division d) throws InterruptedException {
        long commit = d.getRaftLog().getLastCommittedIndex();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (host.appliedIndex() < commit) {
            if (System.nanoTime() >= deadline) {
                throw new StoreException(StoreException.Reason.TIMEOUT, "recover: applied only up to index "
                        + host.appliedIndex() + " of the committed " + commit + " within " + timeout
                        + "; nothing was changed", null);
            }
            Thread.sleep(10);
        }
        long applied = host.appliedIndex();
        LOG.info("recover: applied the log up to index {} (commit index {}, last log index {})", applied, commit,
                d.getRaftLog().getLastEntryTermIndex() == null ? 0 : d.getRaftLog().getLastEntryTermIndex().getIndex());
        return applied;
    }

    /** False when this node is the only voter (nothing to recover); refuses while a majority answers. */
    private boolean quorumLost(RaftServer.Division d) {
        List<RaftPeer> voters = List.copyOf(d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER));
        boolean selfVotes = voters.stream().anyMatch(p -> p.getId().equals(self));
        List<String> others = voters.stream().filter(p -> !p.getId().equals(self)).map(RaftPeer::getAddress).toList();
        List<String> answering = others.isEmpty() ? List.of()
                : Membership.answeringMembers(transport, groupId, others, timeout);
        int majority = voters.size() / 2 + 1;
        int up = answering.size() + (selfVotes ? 1 : 0);
        if (voters.size() == 1 && selfVotes) {
            LOG.info("recover: nothing to do, {} is the cluster's only voter; starting as usual", self);
            return false;
        }
        if (up >= majority) {
            throw new StoreException(StoreException.Reason.INVALID, "-raft-recover refused: " + up + " of the "
                    + voters.size() + " voters are up (this node" + (selfVotes ? "" : " is not one") + ", answering: "
                    + answering + "), a majority: the cluster has its quorum; restart without -raft-recover."
                    + " Nothing was changed", null);
        }
        LOG.info("recover: {} of the {} voters answer ({} of {} other voters: {}); the quorum of {} is lost",
                up, voters.size(), answering.size(), others.size(), answering, majority);
        return true;
    }

    /** The state machine entries of the log after {@code applied}, in order. */
    private static List<byte[]> tail(RaftServer.Division d, long applied) throws IOException {
        RaftLog log = d.getRaftLog();
        long last = log.getLastEntryTermIndex() == null ? applied : log.getLastEntryTermIndex().getIndex();
        List<byte[]> entries = new ArrayList<>();
        for (long i = applied + 1; i <= last; i++) {
            LogEntryProto e = log.get(i);
            if (e != null && e.hasStateMachineLogEntry()) {
                entries.add(e.getStateMachineLogEntry().getLogData().toByteArray());
            }
        }
        return entries;
    }

    private void refuseTooLarge(List<byte[]> tail) {
        for (byte[] entry : tail) {
            if (limits.refusal(entry.length) != null) {
                throw new StoreException(StoreException.Reason.INVALID, "-raft-recover refused: a log entry of "
                        + entry.length + " bytes exceeds this node's limit; restart with the -http-max-body-size the"
                        + " cluster used. Nothing was changed", null);
            }
        }
    }

    /**
     * The new group's storage, formatted by Ratis, with the copy as its state machine's snapshot at
     * {@code index} (term 0: the new group's terms start again), so the new group starts from the data whatever
     * its size, and a node that joins receives it as any snapshot. Nothing to write for an empty log.
     */
    private void seed(Path copy, long index) throws IOException {
        try (RaftStorage storage = RaftStorage.newBuilder().setDirectory(groupDir.toFile())
                .setOption(RaftStorage.StartupOption.FORMAT)
                .setStorageFreeSpaceMin(SizeInBytes.valueOf(0))
                .setLogCorruptionPolicy(RaftServerConfigKeys.Log.CorruptionPolicy.getDefault()).build()) {
            storage.initialize();
        }
        if (index <= 0) {
            return;
        }
        Path smDir = groupDir.resolve("sm");
        Files.createDirectories(smDir);
        File target = smDir.resolve(SimpleStateMachineStorage.getSnapshotFileName(0, index)).toFile();
        SnapshotFiles.write(target, TermIndex.valueOf(0, index), tmp -> {
            try {
                Files.copy(copy, tmp);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Appends one kept entry and waits until it is applied (what applying returned is the client's business). */
    private void write(byte[] entry, Path aside) throws InterruptedException {
        try {
            host.submitEntry(entry).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "recover: writing a kept log entry failed: "
                    + (e.getCause() == null ? e : e.getCause()) + "; the old state is in " + aside, e);
        }
    }
}
