package io.cordwatch.web;

import io.cordwatch.tls.Pem;
import io.cordwatch.tls.TlsSetupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The HTTPS listener's certificate chain and private key, read from the PEM files {@code tls-cert}
 * and {@code tls-key} by {@link io.cordwatch.tls.Pem} (the JDK alone; the DICOM TLS port reads its
 * files the same way) and checked before anything listens: a file that is missing, holds no usable
 * PEM, a key in a format the JDK cannot read without a password or a converter, a key that does not
 * belong to the first certificate, or a key file every user may read, stops start-up with a message
 * that names the setting, the file and what to do. An expired certificate only warns: refusing it
 * would turn a certificate that lapsed over a weekend into an appliance that does not start.
 *
 * <p>It also fixes what the listener offers: TLS 1.3 and 1.2 only, and of the JDK's enabled cipher
 * suites those with forward secrecy and an AEAD cipher (the TLS 1.3 suites, ECDHE with AES-GCM or
 * ChaCha20-Poly1305; RFC 9325), so CBC and static-RSA suites are never negotiated whatever the
 * JDK's defaults.
 */
public final class TlsIdentity {
  /** Offered in this order; TLS 1.3 is chosen whenever the client has it. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private final List<X509Certificate> chain;
  private final PrivateKey key;
  private final List<String> warnings;

  private TlsIdentity(List<X509Certificate> chain, PrivateKey key, List<String> warnings) {
    this.chain = List.copyOf(chain);
    this.key = key;
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Reads and checks both files ({@code now} for the validity warnings).
   *
   * @throws IllegalArgumentException starting with the setting ({@code tls-cert: } or {@code
   *     tls-key: }) and naming the file
   */
  public static TlsIdentity load(Path certFile, Path keyFile, Instant now) {
    List<String> warnings = new ArrayList<>();
    List<X509Certificate> chain;
    PrivateKey key;
    try {
      requireNoKeyIn(certFile);
      chain = Pem.certificates(certFile, "tls-cert");
      Pem.requirePrivateFile(keyFile, "tls-key", warnings);
      key = Pem.privateKey(keyFile, "tls-key");
      Pem.requireMatch(key, chain.getFirst(), "tls-key", keyFile);
    } catch (TlsSetupException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    X509Certificate leaf = chain.getFirst();
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      warnings.add(
          "tls-cert: the certificate in "
              + certFile
              + " expired at "
              + notAfter
              + "; browsers will refuse it until it is replaced");
    } else if (now.isBefore(leaf.getNotBefore().toInstant())) {
      warnings.add(
          "tls-cert: the certificate in "
              + certFile
              + " is not valid before "
              + leaf.getNotBefore().toInstant()
              + " (is the clock right?)");
    } else if (now.plus(EXPIRY_WARNING).isAfter(notAfter)) {
      warnings.add(
          "tls-cert: the certificate in " + certFile + " expires at " + notAfter + "; renew it");
    }
    return new TlsIdentity(chain, key, warnings);
  }

  /** The server's own certificate (the first of the chain). */
  public X509Certificate certificate() {
    return chain.getFirst();
  }

  /** What start-up should warn about (expiry, a key file its group may read); may be empty. */
  public List<String> warnings() {
    return warnings;
  }

  /** One line for the start-up log: subject, key, validity. No secret. */
  public String describe() {
    X509Certificate c = certificate();
    return c.getSubjectX500Principal().getName()
        + ", "
        + key.getAlgorithm()
        + " key, valid until "
        + c.getNotAfter().toInstant()
        + (chain.size() > 1 ? ", " + (chain.size() - 1) + " CA certificate(s) sent with it" : "");
  }

  /** A server SSLContext over an in-memory key store holding the key and chain. */
  SSLContext sslContext() {
    try {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("https", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * The suites offered: of those the JDK enables by default (its disabled algorithms already
   * removed), the TLS 1.3 suites and ECDHE with an AEAD cipher, in the JDK's order of preference.
   */
  static List<String> cipherSuites(SSLContext context) {
    return Arrays.stream(context.getDefaultSSLParameters().getCipherSuites())
        .filter(TlsIdentity::modern)
        .toList();
  }

  static boolean modern(String suite) {
    if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
      return true;
    }
    return suite.startsWith("TLS_ECDHE_")
        && (suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_"));
  }

  /** A private key where the certificates belong is a swapped pair of settings. */
  private static void requireNoKeyIn(Path certFile) {
    String text;
    try {
      text = Files.readString(certFile, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return; // Pem.certificates reports a file it cannot read
    }
    if (text.contains("PRIVATE KEY-----")) {
      throw new IllegalArgumentException(
          "tls-cert: "
              + certFile
              + ": holds a private key; it must hold certificates only (were tls-cert and"
              + " tls-key swapped?)");
    }
  }
}
