package io.raftlite.server.e2e;

import io.raftlite.server.e2e.HostileRequest.Answer;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One named hostile case running against one node: sends its requests through the tally (so every 5xx and
 * missing answer is recorded), and records the case's own expectations as failures instead of throwing, so
 * one run reports every failing case.
 */
final class CaseRun {

    /** Long enough for any bounded answer on a busy 2-core machine; a request still open after it is a hang. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String name;
    final NodeProcess target;
    final HostileTally tally;
    /** A directory of the test's own, for files a statement must never be able to create. */
    final Path scratch;

    CaseRun(String name, NodeProcess target, HostileTally tally, Path scratch) {
        this.name = name;
        this.target = target;
        this.tally = tally;
        this.scratch = scratch;
    }

    Answer send(HostileRequest request) throws InterruptedException {
        return send(request, TIMEOUT);
    }

    Answer send(HostileRequest request, Duration timeout) throws InterruptedException {
        return tally.send(name, target, request, timeout);
    }

    /** POST /db/execute with these statements. */
    Answer execute(String... sql) throws InterruptedException {
        return send(HostileRequest.json("/db/execute", PoisonCases.array(sql)));
    }

    /** GET /db/query at this level. */
    Answer query(String level, String sql) throws InterruptedException {
        return send(HostileRequest.get("/db/query?level=" + level + "&q=" + FuzzRequests.encode(sql)));
    }

    /** The request must be refused (200 with an error, or a 4xx): it would change more than the user's tables. */
    void refuse(HostileRequest request) throws InterruptedException {
        Answer a = send(request);
        if (a.answered() && !a.serverError() && !a.refused()) {
            tally.fail(name, target, "not refused: " + request.describe() + "\n    -> " + a);
        }
    }

    /** The request must succeed without an error (setup steps and what a user legitimately does). */
    Answer succeed(HostileRequest request) throws InterruptedException {
        Answer a = send(request);
        if (a.answered() && !a.serverError() && !a.clean()) {
            tally.fail(name, target, "expected success: " + request.describe() + "\n    -> " + a);
        }
        return a;
    }

    /** A case's own check: records {@code what} as a failure when it does not hold. */
    void expect(boolean holds, String what) {
        if (!holds) {
            tally.fail(name, target, what);
        }
    }
}
