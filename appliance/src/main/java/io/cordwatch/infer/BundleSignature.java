package io.cordwatch.infer;

import io.cordwatch.infer.BundleException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A bundle's detached signature, {@value #FILE} beside bundle.json: an Ed25519 signature over the
 * exact bytes of bundle.json. Since bundle.json holds the SHA-256 of every file it names and every
 * load checks them, the signature covers the whole bundle; a .zip carries the file next to its
 * bundle.json.
 *
 * <p>The file is text, one {@code key: value} a line, every key exactly once:
 *
 * <pre>
 * cordwatch-bundle-signature: 1
 * algorithm: Ed25519
 * key-id: (SHA-256 of the public key's SubjectPublicKeyInfo, 64 hex)
 * public-key: (SubjectPublicKeyInfo, base64)
 * signed-file: bundle.json
 * signed-sha256: (SHA-256 of bundle.json's bytes, 64 hex)
 * signature: (the 64-byte Ed25519 signature over bundle.json's bytes, base64)
 * </pre>
 *
 * The public key rides along so that {@code cordwatch bundle verify} can say whether the bundle is
 * intact anywhere; whether it may run is decided by {@link BundleTrust}, which accepts the
 * signature only when that key is one of the appliance's trusted keys.
 */
public final class BundleSignature {
  /** The signature file's name, beside bundle.json. */
  public static final String FILE = Bundles.MANIFEST + ".sig";

  static final String VERSION = "1";
  private static final List<String> KEYS =
      List.of(
          "cordwatch-bundle-signature",
          "algorithm",
          "key-id",
          "public-key",
          "signed-file",
          "signed-sha256",
          "signature");

  private BundleSignature() {}

  /** A signature file as read. */
  public record Parsed(String keyId, PublicKey key, String signedSha256, byte[] signature) {}

  /** What {@link #sign} wrote: where, by which key, over which bundle.json. */
  public record Signed(Path written, String keyId, String manifestSha256, String bundleName) {}

  /**
   * Signs a bundle folder or .zip with {@code key}: the bundle must load (every file's checksum
   * matches bundle.json) before it is signed; {@value #FILE} is written beside bundle.json
   * (replacing an earlier one; in a .zip, the archive is rewritten with it).
   *
   * @throws BundleException when the bundle does not load or the signature cannot be written
   */
  public static Signed sign(Path bundle, PrivateKey key) {
    Bundle b = Bundles.load(bundle);
    byte[] manifest;
    try {
      manifest = Files.readAllBytes(b.directory().resolve(Bundles.MANIFEST));
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, bundle + ": cannot read bundle.json", e);
    }
    String sha = BundleChecks.sha256(manifest);
    if (!sha.equals(b.manifestSha256())) {
      throw new BundleException(
          Code.CHECKSUM_MISMATCH, bundle + ": bundle.json changed while it was being signed");
    }
    PublicKey pub = BundleKeys.publicOf(key);
    byte[] sig;
    try {
      Signature s = Signature.getInstance(BundleKeys.ALGORITHM);
      s.initSign(key);
      s.update(manifest);
      sig = s.sign();
    } catch (GeneralSecurityException e) {
      throw new BundleException(Code.BAD_SIGNATURE, "cannot sign with this key: " + e, e);
    }
    String text = format(BundleKeys.keyId(pub), pub, sha, sig);
    Path written =
        Files.isDirectory(bundle)
            ? writeBeside(bundle.resolve(FILE), text)
            : writeIntoZip(bundle, text);
    return new Signed(written, BundleKeys.keyId(pub), sha, b.name());
  }

  static String format(String keyId, PublicKey key, String sha, byte[] signature) {
    Base64.Encoder b64 = Base64.getEncoder();
    return "cordwatch-bundle-signature: "
        + VERSION
        + "\nalgorithm: "
        + BundleKeys.ALGORITHM
        + "\nkey-id: "
        + keyId
        + "\npublic-key: "
        + b64.encodeToString(key.getEncoded())
        + "\nsigned-file: "
        + Bundles.MANIFEST
        + "\nsigned-sha256: "
        + sha
        + "\nsignature: "
        + b64.encodeToString(signature)
        + "\n";
  }

  /**
   * Reads {@code dir}'s signature file; null when there is none.
   *
   * @throws BundleException {@code BAD_SIGNATURE} when it exists but is not a signature file
   */
  static Parsed read(Path dir, Path source) {
    String text;
    try {
      text = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw bad(source, "cannot read " + FILE + ": " + e.getMessage());
    }
    Map<String, String> v = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      String k = colon < 0 ? line.strip() : line.substring(0, colon).strip();
      if (colon < 0 || !KEYS.contains(k) || v.put(k, line.substring(colon + 1).strip()) != null) {
        throw bad(source, FILE + ": unexpected line '" + abbreviate(line) + "'");
      }
    }
    for (String k : KEYS) {
      if (!v.containsKey(k)) {
        throw bad(source, FILE + ": '" + k + "' is missing");
      }
    }
    if (!v.get("cordwatch-bundle-signature").equals(VERSION)
        || !v.get("algorithm").equals(BundleKeys.ALGORITHM)
        || !v.get("signed-file").equals(Bundles.MANIFEST)) {
      throw bad(
          source,
          FILE
              + ": version "
              + v.get("cordwatch-bundle-signature")
              + ", algorithm "
              + v.get("algorithm")
              + ", file "
              + v.get("signed-file")
              + " is not what this appliance reads (1, Ed25519, bundle.json)");
    }
    PublicKey key;
    byte[] sig;
    try {
      key = BundleKeys.publicKey(Base64.getDecoder().decode(v.get("public-key")), FILE);
      sig = Base64.getDecoder().decode(v.get("signature"));
    } catch (IllegalArgumentException | BundleException e) {
      throw bad(source, FILE + ": the public key or signature is not valid base64 Ed25519");
    }
    if (!BundleKeys.keyId(key).equals(v.get("key-id"))) {
      throw bad(source, FILE + ": key-id does not match its public key");
    }
    return new Parsed(v.get("key-id"), key, v.get("signed-sha256"), sig);
  }

  /** Whether {@code p}'s signature is by its key over exactly {@code manifest}. */
  static boolean matches(Parsed p, byte[] manifest) {
    try {
      Signature s = Signature.getInstance(BundleKeys.ALGORITHM);
      s.initVerify(p.key());
      s.update(manifest);
      return s.verify(p.signature());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static BundleException bad(Path source, String why) {
    return new BundleException(Code.BAD_SIGNATURE, source + ": " + why);
  }

  private static String abbreviate(String line) {
    return line.length() > 40 ? line.substring(0, 40) + "..." : line;
  }

  private static Path writeBeside(Path target, String text) {
    try {
      Path tmp = Files.createTempFile(target.getParent(), ".sig-", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      move(tmp, target);
      return target;
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE, target + ": cannot write the signature: " + e.getMessage(), e);
    }
  }

  /** Rewrites the archive with the signature beside its bundle.json, then replaces it. */
  private static Path writeIntoZip(Path zip, String text) {
    String prefix = manifestPrefix(zip);
    Path tmp = null;
    try {
      tmp = Files.createTempFile(zip.toAbsolutePath().getParent(), ".zip-", ".tmp");
      try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
          ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
        for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          if (e.getName().equals(prefix + FILE)) {
            continue;
          }
          out.putNextEntry(new ZipEntry(e.getName()));
          in.transferTo(out);
          out.closeEntry();
        }
        out.putNextEntry(new ZipEntry(prefix + FILE));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
      move(tmp, zip);
      return zip;
    } catch (IOException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the failure below is what matters
        }
      }
      throw new BundleException(
          Code.MISSING_FILE, zip + ": cannot add the signature: " + e.getMessage(), e);
    }
  }

  /** "" when bundle.json is at the archive's top, else its one top folder with a slash. */
  private static String manifestPrefix(Path zip) {
    String found = null;
    try (InputStream raw = Files.newInputStream(zip);
        ZipInputStream in = new ZipInputStream(raw)) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        String n = e.getName();
        if (n.equals(Bundles.MANIFEST)) {
          return "";
        }
        if (n.endsWith("/" + Bundles.MANIFEST) && n.indexOf('/') == n.lastIndexOf('/')) {
          found = n.substring(0, n.length() - Bundles.MANIFEST.length());
        }
      }
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, zip + ": cannot read: " + e.getMessage(), e);
    }
    if (found == null) {
      throw new BundleException(Code.MISSING_FILE, zip + ": holds no " + Bundles.MANIFEST);
    }
    return found;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
