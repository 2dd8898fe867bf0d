package io.raftlite.server.render;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an operator's command without a shell, with a timeout, keeping a bounded head of its output. */
final class Commands {

    /** Bytes of a command's combined output kept for the log. */
    static final int MAX_OUTPUT = 4096;

    /** The exit code reported for a command that was killed at its timeout (as coreutils' timeout). */
    static final int TIMED_OUT = 124;

    /** @param exitCode the command's exit code, {@link #TIMED_OUT}, or -1 when it could not start */
    record Outcome(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Commands() {
    }

    /** {@code argv} with each {@code {{.}}} or {@code $1} argument replaced by {@code file} (appended if none). */
    static List<String> withFile(List<String> argv, Path file) {
        List<String> out = new ArrayList<>();
        boolean placed = false;
        for (String a : argv) {
            if (a.equals("{{.}}") || a.equals("$1")) {
                out.add(file.toString());
                placed = true;
            } else {
                out.add(a.replace("{{.}}", file.toString()));
                placed |= a.contains("{{.}}");
            }
        }
        if (!placed) {
            out.add(file.toString());
        }
        return out;
    }

    static Outcome run(List<String> argv, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new Outcome(-1, "cannot start " + argv.get(0) + ": " + e.getMessage());
        }
        byte[] head = new byte[MAX_OUTPUT];
        int[] kept = {0};
        Thread drain = new Thread(() -> drain(p.getInputStream(), head, kept), "render-command-output");
        drain.setDaemon(true);
        drain.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                drain.join(1000);
                return new Outcome(TIMED_OUT, "timed out after " + timeout.toMillis() + " ms; " + text(head, kept));
            }
            drain.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        }
        return new Outcome(p.exitValue(), text(head, kept));
    }

    private static void drain(InputStream in, byte[] head, int[] kept) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (head) {
                    int take = Math.min(n, head.length - kept[0]);
                    System.arraycopy(buf, 0, head, kept[0], take);
                    kept[0] += take;
                }
            }
        } catch (IOException e) {
            // the process was killed; keep what was read
        }
    }

    private static String text(byte[] head, int[] kept) {
        synchronized (head) {
            String s = new String(head, 0, kept[0], StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
            return kept[0] == head.length ? s + " [output truncated]" : s;
        }
    }
}
