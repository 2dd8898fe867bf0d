package io.raftlite.server.https;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.server.netty.ssl.CertificateProvidedSslBuilder;
import io.micronaut.http.server.netty.ssl.ServerSslBuilder;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.netty.handler.ssl.SslContext;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Micronaut's hook for the server's {@code SslContext}: in place of its key-store builder, the context of
 * {@link HttpsContext}, whose key manager is asked for the certificate at every handshake. Micronaut's
 * {@code micronaut.server.ssl.*} properties (set by Main) then only say "TLS on this port" and the handshake
 * timeout.
 */
@Singleton
@Replaces(CertificateProvidedSslBuilder.class)
@Requires(bean = HttpsContext.class)
final class ReloadingSslBuilder implements ServerSslBuilder {

    private final ServerSslConfiguration configuration;
    private final HttpsContext https;

    ReloadingSslBuilder(ServerSslConfiguration configuration, HttpsContext https) {
        this.configuration = configuration;
        this.https = https;
    }

    @Override
    public ServerSslConfiguration getSslConfiguration() {
        return configuration;
    }

    @Override
    public Optional<SslContext> build() {
        return Optional.of(https.sslContext());
    }
}
