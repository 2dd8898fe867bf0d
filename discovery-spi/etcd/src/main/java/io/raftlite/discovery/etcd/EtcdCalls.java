package io.raftlite.discovery.etcd;

import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.grpc.Status;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.DiscoveryUnavailableException;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jetcd's futures with one deadline and turns their failures into the SPI's exceptions: no answer
 * in time, a refused connection or gRPC's UNAVAILABLE become {@link DiscoveryUnavailableException}; anything
 * else (a refused login, a malformed request) a plain {@link DiscoveryException}.
 */
final class EtcdCalls {

    private final String endpoints;
    private final Duration timeout;

    EtcdCalls(String endpoints, Duration timeout) {
        this.endpoints = endpoints;
        this.timeout = timeout;
    }

    /** When a client call that starts now must be done: one request timeout for all its etcd calls. */
    long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    /** The call's result, if it comes before {@code deadline} (a {@link System#nanoTime()}). */
    <T> T await(long deadline, String what, CompletableFuture<T> call) throws DiscoveryException {
        try {
            return call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new DiscoveryUnavailableException("etcd at " + endpoints + " did not answer (" + what
                    + ") within the request timeout of " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new DiscoveryUnavailableException("interrupted waiting for etcd at " + endpoints + " (" + what + ")", e);
        } catch (ExecutionException | CancellationException e) {
            throw translate(what, e.getCause() == null ? e : e.getCause());
        }
    }

    /** Like {@link #await}, but etcd's "not found" (a lease that expired) is an empty result. */
    <T> Optional<T> awaitPresent(long deadline, String what, CompletableFuture<T> call) throws DiscoveryException {
        try {
            return Optional.of(await(deadline, what, call));
        } catch (DiscoveryException e) {
            if (code(e.getCause()) == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Waits for a best-effort call until {@code deadline}, then lets it finish on its own; never throws. */
    static void awaitQuietly(long deadline, CompletableFuture<?> call) {
        try {
            call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            // best effort: the caller's fallback (a lease's expiry) covers it
        }
    }

    private DiscoveryException translate(String what, Throwable cause) {
        Status.Code code = code(cause);
        String detail = describe(cause);
        String message = "etcd at " + endpoints + " failed (" + what + "): " + detail;
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || causedByIo(cause)) {
            return new DiscoveryUnavailableException(message, cause);
        }
        return new DiscoveryException(message, cause);
    }

    /** The failure's own words: the deepest message, which for gRPC carries etcd's "etcdserver: ..." text. */
    private static String describe(Throwable t) {
        String best = t.getClass().getSimpleName();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                best = c.getMessage();
            }
            Status s = Status.fromThrowable(c);
            if (s.getDescription() != null) {
                return s.getCode() + ": " + s.getDescription();
            }
        }
        return best;
    }

    /** The gRPC status code of a jetcd failure, wherever in the cause chain it is. */
    static Status.Code code(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EtcdException e) {
                return toStatus(e.getErrorCode());
            }
        }
        return t == null ? Status.Code.UNKNOWN : Status.fromThrowable(t).getCode();
    }

    private static Status.Code toStatus(ErrorCode code) {
        try {
            return Status.Code.valueOf(code.name());
        } catch (IllegalArgumentException e) {
            return Status.Code.UNKNOWN;
        }
    }

    private static boolean causedByIo(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true; // connection refused or reset, connect timeout
            }
        }
        return false;
    }
}
