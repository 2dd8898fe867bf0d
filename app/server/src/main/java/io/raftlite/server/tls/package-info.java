/**
 * {@code raftlite tls ...}: the CA in the box. {@code tls ca create} writes a CA certificate and key;
 * {@code tls cert create} writes a node certificate (its node id and host names in the SANs, usable as server and
 * client) or, with {@code -client}, a client certificate; each says where the files went and which flags use them.
 * The X.509 work is {@link io.raftlite.core.tls.CertificateAuthority}'s; this package is the command line.
 *
 * <p>Invariants:
 * <ul>
 *   <li>No existing file is replaced without {@code -force}, and nothing is written when any target exists.</li>
 *   <li>Private keys are written 0600 from their creation; their contents are never printed.</li>
 *   <li>A command line error is one line on stderr and exit 2; a file problem (no CA, a key readable by others)
 *       is one line and exit 1; no stack trace either way.</li>
 *   <li>No Micronaut context starts: the commands run in a plain JVM and exit.</li>
 * </ul>
 */
package io.raftlite.server.tls;
