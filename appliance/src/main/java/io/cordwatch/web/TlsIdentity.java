package io.cordwatch.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The HTTPS listener's certificate chain and private key, read from the PEM files {@code tls-cert}
 * and {@code tls-key} with the JDK alone (CertificateFactory, KeyFactory, an in-memory KeyStore)
 * and checked before anything listens: a file that is missing, holds no usable PEM, a key in a
 * format the JDK cannot read without a password or a converter, a key that does not belong to the
 * first certificate, or a key file every user may read, stops start-up with a message that names
 * the setting, the file and what to do. An expired certificate only warns: refusing it would turn a
 * certificate that lapsed over a weekend into an appliance that does not start.
 *
 * <p>It also fixes what the listener offers: TLS 1.3 and 1.2 only, and of the JDK's enabled cipher
 * suites those with forward secrecy and an AEAD cipher (the TLS 1.3 suites, ECDHE with AES-GCM or
 * ChaCha20-Poly1305; RFC 9325), so CBC and static-RSA suites are never negotiated whatever the
 * JDK's defaults.
 */
public final class TlsIdentity {
  /** Offered in this order; TLS 1.3 is chosen whenever the client has it. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

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
    List<X509Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile, warnings);
    X509Certificate leaf = chain.getFirst();
    if (!belongTogether(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(
          "tls-key: "
              + keyFile
              + " is not the private key of the first certificate in "
              + certFile
              + " ("
              + leaf.getSubjectX500Principal().getName()
              + "); the certificate file must start with this server's certificate, and the key"
              + " must be the one its request was made with");
    }
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

  private static List<X509Certificate> certificates(Path file) {
    String text = read("tls-cert", file);
    List<X509Certificate> out = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
    while (m.find()) {
      String label = m.group(1);
      if (label.contains("PRIVATE KEY")) {
        throw new IllegalArgumentException(
            "tls-cert: "
                + file
                + " holds a private key; it must hold certificates only (were tls-cert and"
                + " tls-key swapped?)");
      }
      if (!label.equals("CERTIFICATE")) {
        continue;
      }
      byte[] der = base64("tls-cert", file, m.group(2));
      try {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException e) {
        throw new IllegalArgumentException(
            "tls-cert: certificate "
                + (out.size() + 1)
                + " in "
                + file
                + " cannot be read: "
                + e.getMessage(),
            e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "tls-cert: "
              + file
              + " holds no PEM certificate (a block from -----BEGIN CERTIFICATE----- to -----END"
              + " CERTIFICATE-----)");
    }
    return out;
  }

  private static PrivateKey privateKey(Path file, List<String> warnings) {
    checkMode(file, warnings);
    String text = read("tls-key", file);
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String label = m.group(1);
      switch (label) {
        case "PRIVATE KEY" -> {
          return pkcs8(file, base64("tls-key", file, m.group(2)));
        }
        case "ENCRYPTED PRIVATE KEY" ->
            throw new IllegalArgumentException(
                "tls-key: "
                    + file
                    + " is encrypted; the appliance starts unattended and cannot ask for its"
                    + " password. Write it unencrypted, readable by the appliance only: openssl"
                    + " pkcs8 -topk8 -nocrypt -in "
                    + file
                    + " -out key.pem; chmod 600 key.pem");
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
            throw new IllegalArgumentException(
                "tls-key: "
                    + file
                    + " holds a "
                    + label
                    + " (the older OpenSSL format); convert it to PKCS#8 (BEGIN PRIVATE KEY):"
                    + " openssl pkcs8 -topk8 -nocrypt -in "
                    + file
                    + " -out key.pem");
        default -> {
          // CERTIFICATE, EC PARAMETERS and the like: keep looking for the key.
        }
      }
    }
    throw new IllegalArgumentException(
        "tls-key: "
            + file
            + " holds no PEM private key (a block from -----BEGIN PRIVATE KEY----- to -----END"
            + " PRIVATE KEY-----)");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException e) {
        // Not this algorithm: try the next.
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalArgumentException(
        "tls-key: " + file + " is not an RSA or EC private key in PKCS#8 form");
  }

  /** Whether signing with {@code key} verifies with {@code pub}: the pair belongs together. */
  private static boolean belongTogether(PrivateKey key, PublicKey pub) {
    if (!key.getAlgorithm().equals(pub.getAlgorithm())) {
      return false;
    }
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] probe = "cordwatch tls key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(pub);
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * A key every user on the machine may read is refused (it is not a secret any more); one the
   * file's group may read warns, since a dedicated group (root:cordwatch, mode 640) is a common and
   * sound set-up.
   */
  private static void checkMode(Path file, List<String> warnings) {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("tls-key: " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "tls-key: cannot read the mode of " + file + ": " + e.getMessage(), e);
    }
    String octal = PosixFilePermissions.toString(mode);
    if (mode.contains(PosixFilePermission.OTHERS_READ)) {
      throw new IllegalArgumentException(
          "tls-key: "
              + file
              + " may be read by every user of this machine ("
              + octal
              + "); make it readable by the appliance's user only: chmod 600 "
              + file);
    }
    if (mode.contains(PosixFilePermission.GROUP_READ)) {
      warnings.add(
          "tls-key: "
              + file
              + " may be read by its group ("
              + octal
              + "); keep that group to the appliance's user, or chmod 600 "
              + file);
    }
  }

  private static String read(String key, Path file) {
    try {
      // Latin-1 maps every byte, so a binary (DER) file reads as text without PEM blocks.
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(key + ": " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] base64(String key, Path file, String body) {
    try {
      return Base64.getMimeDecoder().decode(body.replaceAll("[^A-Za-z0-9+/=]", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key + ": " + file + " holds a PEM block that is not base64: " + e.getMessage(), e);
    }
  }
}
