package io.cordwatch.infer;

import io.cordwatch.infer.BundleException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys for bundle signatures, with the JDK alone, as PEM files any tool reads: the private
 * key as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey -algorithm
 * ed25519} writes) and the public key as X.509 SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY},
 * {@code openssl pkey -pubout}). A key is named by its id: the SHA-256 of its SubjectPublicKeyInfo
 * bytes in hex, so the id printed by {@code cordwatch bundle keygen} is the one a signature names
 * and the one {@code openssl pkey -pubin -outform DER | sha256sum} gives.
 */
public final class BundleKeys {
  /** The signature algorithm's JDK name. */
  public static final String ALGORITHM = "Ed25519";

  /** The files {@link #generate} writes. */
  public static final String PRIVATE_FILE = "bundle-signing-key.pem";

  public static final String PUBLIC_FILE = "bundle-signing-key.pub.pem";

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

  private BundleKeys() {}

  /** A new key pair written to {@code dir}: where each file went, and the key's id. */
  public record Generated(Path privateKey, Path publicKey, String keyId) {}

  /**
   * Generates an Ed25519 key pair into {@code dir} (created): {@value #PRIVATE_FILE} with mode 0600
   * and {@value #PUBLIC_FILE}. Existing files are never overwritten.
   *
   * @throws BundleException {@code MISSING_FILE} when a file exists or cannot be written
   */
  public static Generated generate(Path dir) {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + ALGORITHM + " key generator", e);
    }
    Path priv = dir.resolve(PRIVATE_FILE);
    Path pub = dir.resolve(PUBLIC_FILE);
    try {
      Files.createDirectories(dir);
      for (Path p : new Path[] {priv, pub}) {
        if (Files.exists(p)) {
          throw new BundleException(
              Code.MISSING_FILE, p + ": exists; keys are never overwritten (choose another --out)");
        }
      }
      // Created 0600 before a byte of the key is written, whatever the umask.
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            priv,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(priv);
      }
      Files.writeString(
          priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardOpenOption.WRITE);
      Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE, dir + ": cannot write the key files: " + e.getMessage(), e);
    }
    return new Generated(priv, pub, keyId(pair.getPublic()));
  }

  /** The key's id: SHA-256 of its SubjectPublicKeyInfo bytes, lower-case hex. */
  public static String keyId(PublicKey key) {
    return BundleChecks.sha256(key.getEncoded());
  }

  /** The first 16 hex digits of a key id, as messages and pages show it. */
  public static String shortId(String keyId) {
    return keyId.length() > 16 ? keyId.substring(0, 16) : keyId;
  }

  /**
   * The Ed25519 private key in a PKCS#8 PEM file.
   *
   * @throws BundleException {@code MISSING_FILE} naming the file and what is wrong with it
   */
  public static PrivateKey readPrivate(Path file) {
    byte[] der = block(file, "PRIVATE KEY");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new BundleException(
          Code.MISSING_FILE,
          file
              + ": not an Ed25519 private key (make one with cordwatch bundle keygen, or openssl"
              + " genpkey -algorithm ed25519)");
    }
  }

  /**
   * The Ed25519 public key in an X.509 SubjectPublicKeyInfo PEM file.
   *
   * @throws BundleException {@code MISSING_FILE} naming the file and what is wrong with it
   */
  public static PublicKey readPublic(Path file) {
    return publicKey(block(file, "PUBLIC KEY"), file.toString());
  }

  /** An Ed25519 public key from its SubjectPublicKeyInfo bytes; {@code where} names the origin. */
  static PublicKey publicKey(byte[] der, String where) {
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new BundleException(Code.MISSING_FILE, where + ": not an Ed25519 public key");
    }
  }

  /**
   * The public key that belongs to an Ed25519 private key. The JDK's private key does not expose
   * its public half and a PKCS#8 v1 file does not carry it, so the key pair is rebuilt from the
   * private key's 32-byte seed (RFC 8032: the public key is a function of the seed alone).
   */
  static PublicKey publicOf(PrivateKey key) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
      g.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed(key)));
      return g.generateKeyPair().getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the Ed25519 public key", e);
    }
  }

  private static byte[] seed(PrivateKey key) {
    if (key instanceof java.security.interfaces.EdECPrivateKey ed && ed.getBytes().isPresent()) {
      return ed.getBytes().get();
    }
    throw new BundleException(Code.MISSING_FILE, "the private key holds no Ed25519 seed");
  }

  /** Hands the key generator the 32 bytes of a known seed, so it rebuilds that key pair. */
  private static final class FixedSeed extends java.security.SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;

    FixedSeed(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static byte[] block(Path file, String label) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new BundleException(Code.MISSING_FILE, file + ": no such file");
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, file + ": cannot read: " + e.getMessage(), e);
    }
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(label)) {
        try {
          return Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
          break;
        }
      }
      if (m.group(1).contains("ENCRYPTED")) {
        throw new BundleException(
            Code.MISSING_FILE,
            file + ": the key is encrypted; CordWatch reads unencrypted PKCS#8 keys only");
      }
    }
    throw new BundleException(
        Code.MISSING_FILE, file + ": holds no -----BEGIN " + label + "----- block");
  }
}
