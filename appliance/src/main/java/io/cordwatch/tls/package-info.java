/**
 * TLS material and policy shared by every listener that speaks TLS: PEM files read with the JDK
 * alone into in-memory key and trust stores ({@link io.cordwatch.tls.Pem}), the BCP 195 protocol
 * and cipher-suite policy ({@link io.cordwatch.tls.Bcp195}) and a server identity built from them
 * ({@link io.cordwatch.tls.ServerTls}).
 *
 * <p>Owns: the rules for what a certificate, key and client-CA file must look like and what a
 * handshake may negotiate.
 *
 * <p>May not touch: DICOM, HTTP or the settings ({@code com.pixelmed}, {@code io.helidon}, {@code
 * io.cordwatch.config}): callers pass the paths and the name of the setting each came from, so
 * every message names the key and the file. It imports nothing from {@code io.cordwatch} ({@code
 * io.cordwatch.receive} and {@code io.cordwatch.web} use it), so any stage (the DICOM listener in
 * {@code receive}, the web server) may use it without closing a cycle. It writes no file and keeps
 * no private key anywhere but in memory.
 */
package io.cordwatch.tls;
