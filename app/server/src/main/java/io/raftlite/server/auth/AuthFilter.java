package io.raftlite.server.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteMatch;
import io.raftlite.core.auth.AuthDecision;
import io.raftlite.core.auth.CredentialStore;
import io.raftlite.core.auth.EndpointPermissions;
import io.raftlite.core.auth.Permission;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.edge.RateLimitedLog;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * rqlite's {@code -auth} on every request: Basic credentials checked against the auth file and the path's
 * permissions ({@link EndpointPermissions}); 401 or 403 before the route runs. Also writes the request log
 * line (DEBUG, logger {@code io.raftlite.server.http.requests}) with the authenticated user.
 */
@ServerFilter("/**")
@Context // eager: the auth file's warnings are logged at start, not at the first request
public final class AuthFilter implements AutoCloseable, Ordered {

    /** Request attribute: the authenticated user name. */
    public static final String USER = "raftlite.user";
    private static final String STARTED = "raftlite.started";
    private static final Logger LOG = LoggerFactory.getLogger(AuthFilter.class);
    private static final Logger REQUESTS = LoggerFactory.getLogger("io.raftlite.server.http.requests");
    private static final String CHALLENGE = "Basic realm=\"raftlite\"";

    private final CredentialStore store;
    private final Counter unauthenticated;
    private final Counter forbidden;
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, Duration.ofSeconds(1));
    /** bcrypt checks, one at a time, a few waiting: a flood of wrong passwords costs one core at most. */
    private final ThreadPoolExecutor bcrypt = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(32), r -> {
                Thread t = new Thread(r, "raftlite-bcrypt");
                t.setDaemon(true);
                return t;
            });

    AuthFilter(NodeSettings settings, BeanProvider<MeterRegistry> metrics) {
        this.store = settings.auth();
        this.unauthenticated = refusalCounter(metrics, "401");
        this.forbidden = refusalCounter(metrics, "403");
        if (store == null) {
            return;
        }
        store.warnings().forEach(LOG::warn);
        LOG.info("HTTP authentication on: {} (realm raftlite)", store);
        plainTextWarning(settings).ifPresent(LOG::warn);
        var d = settings.discovery();
        if (d != null && "consul-kv".equals(d.mode()) && d.consulRegister() && !store.grantsEveryone(Permission.READY)) {
            LOG.warn("Consul's HTTP check of /readyz will be answered 401: grant \"ready\" to \"*\" in the auth file"
                    + " (rqlite's example does) or start with -disco-consul-register=false");
        }
    }

    /** The start-up warning for {@code -auth} on a routable address without HTTPS, if it applies. */
    static java.util.Optional<String> plainTextWarning(NodeSettings settings) {
        if (settings.auth() == null || settings.httpTls().enabled() || settings.httpAddr().isLoopback()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("-auth on " + settings.httpAddr() + " without HTTPS: Basic credentials cross the"
                + " network in clear; give the API -http-cert and -http-key (docs/https.md)");
    }

    /**
     * Micronaut's security phase. Filters without an order (raftlite's {@code OptionsFilter}, Micronaut's metrics
     * filter) come last, so this one runs first: a refused request reaches no other filter, and is counted in
     * {@code raftlite_http_auth_refusals_total} rather than in {@code http_server_requests_seconds}.
     */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    private Counter refusalCounter(BeanProvider<MeterRegistry> metrics, String status) {
        return store == null || !metrics.isPresent() ? null : Counter.builder("raftlite.http.auth.refusals")
                .description("requests refused by -auth: 401 no or wrong credentials, 403 a missing permission")
                .tag("status", status).register(metrics.get());
    }

    @RequestFilter
    CompletableFuture<Optional<MutableHttpResponse<?>>> authenticate(HttpRequest<?> request,
                                                                      @Nullable RouteMatch<?> route) {
        if (REQUESTS.isDebugEnabled()) {
            request.setAttribute(STARTED, System.nanoTime());
        }
        if (store == null || request.getMethod() == HttpMethod.OPTIONS) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Set<String> required = EndpointPermissions.required(request.getPath());
        if (route != null && required.isEmpty()) {
            required = Set.of(Permission.ALL); // a route without a rule stays closed
        }
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        Set<String> perms = required;
        if (store.isQuick(authorization)) {
            return CompletableFuture.completedFuture(answer(request, store.decide(authorization, perms)));
        }
        try {
            return CompletableFuture.supplyAsync(() -> answer(request, store.decide(authorization, perms)), bcrypt);
        } catch (RejectedExecutionException e) {
            refusals.warn("bcrypt checks are queued full: 503 for " + request.getMethod() + " " + request.getPath());
            return CompletableFuture.completedFuture(Optional.of(HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, "1").contentType(MediaType.TEXT_PLAIN_TYPE)
                    .body("too many passwords being checked, retry\n")));
        }
    }

    private Optional<MutableHttpResponse<?>> answer(HttpRequest<?> request, AuthDecision decision) {
        if (decision.user() != null) {
            request.setAttribute(USER, decision.user());
        }
        if (decision.allowed()) {
            return Optional.empty();
        }
        boolean unauthenticated = decision.outcome() == AuthDecision.Outcome.UNAUTHENTICATED;
        Counter counter = unauthenticated ? this.unauthenticated : forbidden;
        if (counter != null) {
            counter.increment();
        }
        String text = unauthenticated ? "unauthorized: " + decision.reason()
                : "forbidden: user '" + decision.user() + "' " + decision.reason();
        refusals.warn("refused " + request.getMethod() + " " + request.getPath() + " from "
                + request.getRemoteAddress().getHostString() + ": " + text);
        MutableHttpResponse<?> response = HttpResponse.status(unauthenticated ? HttpStatus.UNAUTHORIZED
                : HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN_TYPE).body(text + "\n");
        if (unauthenticated) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        }
        log(request, response); // this filter's response filter does not see a response it made itself
        return Optional.of(response);
    }

    /** The request log line: method, path (no query string), status, user, time. */
    @ResponseFilter
    void log(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (!REQUESTS.isDebugEnabled()) {
            return;
        }
        Optional<Long> started = request.getAttribute(STARTED, Long.class);
        REQUESTS.debug("{} {} {} user={} {} ms", request.getMethod(), request.getPath(), response.code(),
                request.getAttribute(USER, String.class).orElse("-"),
                started.map(t -> String.format("%.1f", (System.nanoTime() - t) / 1e6)).orElse("?"));
    }

    @PreDestroy
    @Override
    public void close() {
        bcrypt.shutdownNow();
    }
}
