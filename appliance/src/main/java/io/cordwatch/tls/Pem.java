package io.cordwatch.tls;

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
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files read with the JDK alone: certificates ({@code BEGIN CERTIFICATE}) and unencrypted
 * PKCS#8 private keys ({@code BEGIN PRIVATE KEY}, RSA or EC). These are what {@code openssl req
 * -newkey}, certbot and most hospital PKIs hand out; the older one-algorithm forms ({@code BEGIN
 * RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}) and encrypted keys are refused with the {@code
 * openssl} command that converts them, rather than parsed by hand, so the key never needs a
 * password stored beside it.
 *
 * <p>Every message starts with the setting and the file it came from ({@code "dicom-tls-key:
 * /etc/cordwatch/key.pem: ..."}): start-up stops on it, and the operator should not have to guess
 * which of several PEM files is meant.
 */
public final class Pem {
  private Pem() {}

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

  /** One PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and its bytes. */
  private record Block(String label, byte[] der) {}

  /**
   * The certificates of {@code file}, in file order (for a chain: the server's own first).
   *
   * @param key the setting that named the file, for messages
   * @throws TlsSetupException when the file is missing, unreadable, or holds no certificate
   */
  public static List<X509Certificate> certificates(Path file, String key) {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory x509;
    try {
      x509 = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new TlsSetupException(where(key, file) + "the JDK has no X.509 support", e);
    }
    for (Block b : blocks(file, key)) {
      if (!b.label().equals("CERTIFICATE")) {
        continue;
      }
      try {
        out.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(b.der())));
      } catch (CertificateException e) {
        throw new TlsSetupException(
            where(key, file)
                + "certificate "
                + (out.size() + 1)
                + " cannot be read ("
                + e.getMessage()
                + ")",
            e);
      }
    }
    if (out.isEmpty()) {
      throw new TlsSetupException(
          where(key, file) + "holds no certificate (no -----BEGIN CERTIFICATE----- block)");
    }
    return List.copyOf(out);
  }

  /**
   * The one unencrypted PKCS#8 private key (RSA or EC) in {@code file}.
   *
   * @param key the setting that named the file, for messages
   * @throws TlsSetupException when the file is missing or unreadable, holds no key or more than
   *     one, or holds a key in a form we do not read (with the command that converts it)
   */
  public static PrivateKey privateKey(Path file, String key) {
    List<Block> keys = new ArrayList<>();
    for (Block b : blocks(file, key)) {
      switch (b.label()) {
        case "PRIVATE KEY" -> keys.add(b);
        case "ENCRYPTED PRIVATE KEY" ->
            throw new TlsSetupException(
                where(key, file)
                    + "the private key is encrypted; store it unencrypted, readable by the"
                    + " service user only: openssl pkcs8 -in "
                    + file
                    + " -out key.pem (then chmod 600 key.pem)");
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
            throw new TlsSetupException(
                where(key, file)
                    + "the private key is in the old "
                    + b.label()
                    + " form; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in "
                    + file
                    + " -out key.pem");
        default -> {
          // certificates may share the file with the key; they are read by certificates()
        }
      }
    }
    if (keys.size() != 1) {
      throw new TlsSetupException(
          where(key, file)
              + (keys.isEmpty()
                  ? "holds no private key (no -----BEGIN PRIVATE KEY----- block)"
                  : "holds " + keys.size() + " private keys; keep exactly one"));
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.getFirst().der());
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // not this algorithm; try the next
      }
    }
    throw new TlsSetupException(
        where(key, file) + "the private key is neither an RSA nor an EC key in PKCS#8 form");
  }

  /**
   * Stops unless {@code privateKey} belongs to {@code certificate}: a test signature made with the
   * key must verify with the certificate's public key. A key and certificate from different
   * requests otherwise load fine and fail only in every client's handshake.
   */
  public static void requireMatch(
      PrivateKey privateKey, X509Certificate certificate, String keyKey, Path keyFile) {
    PublicKey pub = certificate.getPublicKey();
    if (!pub.getAlgorithm().equals(privateKey.getAlgorithm())) {
      throw new TlsSetupException(
          where(keyKey, keyFile)
              + "is a "
              + privateKey.getAlgorithm()
              + " key but the certificate's key is "
              + pub.getAlgorithm()
              + "; the key and the certificate do not belong together");
    }
    String algorithm = pub.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    boolean matches;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(privateKey);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(pub);
      verify.update(probe);
      matches = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new TlsSetupException(
          where(keyKey, keyFile)
              + "does not belong to the certificate "
              + certificate.getSubjectX500Principal().getName()
              + " (its public key does not match)");
    }
  }

  /**
   * A private key file is refused when every user of the machine may read it (it is no longer a
   * secret) and warned about when its group may (a dedicated group, root:cordwatch with mode 640,
   * is a common and sound set-up). Says nothing where the file system has no POSIX modes.
   *
   * @throws TlsSetupException for a world-readable or missing file
   */
  public static void requirePrivateFile(Path file, String key, List<String> warnings) {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return;
    } catch (NoSuchFileException e) {
      throw new TlsSetupException(where(key, file) + "no such file");
    } catch (IOException e) {
      throw new TlsSetupException(where(key, file) + "cannot read its mode (" + e + ")", e);
    }
    String text = PosixFilePermissions.toString(mode);
    if (mode.contains(PosixFilePermission.OTHERS_READ)) {
      throw new TlsSetupException(
          where(key, file)
              + "may be read by every user of this machine ("
              + text
              + "); make it readable by the service user only: chmod 600 "
              + file);
    }
    if (mode.contains(PosixFilePermission.GROUP_READ)) {
      warnings.add(
          where(key, file)
              + "may be read by its group ("
              + text
              + "); keep that group to the service user, or chmod 600 "
              + file);
    }
  }

  private static List<Block> blocks(Path file, String key) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new TlsSetupException(where(key, file) + "no such file");
    } catch (IOException | RuntimeException e) {
      throw new TlsSetupException(
          where(key, file) + "cannot be read as a PEM text file (" + e.getMessage() + ")", e);
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new TlsSetupException(
            where(key, file) + "the " + m.group(1) + " block is not valid base64", e);
      }
    }
    if (out.isEmpty()) {
      throw new TlsSetupException(
          where(key, file) + "is not a PEM file (no -----BEGIN ...----- block)");
    }
    return out;
  }

  private static String where(String key, Path file) {
    return key + ": " + file + ": ";
  }
}
