package io.raftlite.core.api;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

/**
 * Parses each of {@link HostileBodies} once and prints, per body, the bytes this thread allocated in the
 * parser and what came back. Run as a main (in a forked JVM with a small heap by
 * {@link RequestParserMemoryTest}) so that an OutOfMemoryError ends only that JVM.
 */
public final class ParseAllocation {

    private ParseAllocation() {
    }

    /** Loads and initializes the parser's classes, so that what is measured is the request's own cost. */
    private static void warmUp() {
        for (String body : new String[]{"[[\"SELECT ?\", 1, 1.5, \"x'00'\", [1], {}]]", "[{}]", "[1e999]"}) {
            try {
                RequestParser.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
            } catch (BadRequestException expected) {
                // refused: loads the refusal path too
            }
        }
    }

    public static void main(String[] args) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        warmUp();
        for (Map.Entry<String, java.util.function.Supplier<byte[]>> e : HostileBodies.all().entrySet()) {
            if (args.length > 0 && !List.of(args).contains(e.getKey())) {
                continue;
            }
            byte[] body = e.getValue().get();
            String outcome;
            long before = threads.getThreadAllocatedBytes(tid);
            try {
                outcome = RequestParser.parse(body, "application/json").size() + " statements";
            } catch (BadRequestException refused) {
                outcome = refused.status() + " " + refused.getMessage();
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            System.out.printf("%s\t%d\t%d\t%s%n", e.getKey(), body.length, allocated, outcome);
        }
    }
}
