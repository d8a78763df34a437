package io.cordwatch.infer;

import io.cordwatch.infer.BundleException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which bundles may run: the public keys the appliance trusts (the {@code bundle-trusted-keys}
 * folder, one PEM public key a file) and whether an unsigned bundle may run anyway ({@code
 * allow-unsigned-bundles}). {@link #check} is what every bundle the appliance runs or installs goes
 * through:
 *
 * <ul>
 *   <li>a signature that does not match bundle.json (changed after signing, or a damaged file) is
 *       always refused ({@code BAD_SIGNATURE}): that is a bundle someone altered, not an unsigned
 *       one;
 *   <li>a valid signature by a trusted key passes ({@link SignatureStatus.State#SIGNED});
 *   <li>no signature ({@code UNSIGNED}) or a valid one by a key not trusted here ({@code
 *       UNTRUSTED_SIGNATURE}) is refused, unless unsigned bundles are allowed, when it runs marked
 *       unsigned.
 * </ul>
 *
 * @param keys the trusted keys
 * @param allowUnsigned whether unsigned bundles may run
 * @param folder where the keys came from (for messages), null when none was named
 */
public record BundleTrust(List<TrustedKey> keys, boolean allowUnsigned, Path folder) {
  /** A trusted public key and the file it came from. */
  public record TrustedKey(String file, String keyId, PublicKey key) {}

  public BundleTrust {
    keys = List.copyOf(keys);
  }

  /** Trusts nobody and runs unsigned bundles: for tools that only look at a bundle. */
  public static BundleTrust anyBundle() {
    return new BundleTrust(List.of(), true, null);
  }

  /**
   * The keys of {@code folder}: every {@code *.pem} file in it (not below it; names starting with a
   * dot are skipped) must hold one Ed25519 public key. An absent folder trusts no key.
   *
   * @throws BundleException {@code MISSING_FILE} naming a file that is not an Ed25519 public key,
   *     or a folder that cannot be read
   */
  public static BundleTrust load(Path folder, boolean allowUnsigned) {
    List<TrustedKey> keys = new ArrayList<>();
    if (folder != null && Files.isDirectory(folder)) {
      List<Path> files;
      try (Stream<Path> s = Files.list(folder)) {
        files =
            s.filter(p -> p.getFileName().toString().endsWith(".pem"))
                .filter(p -> !p.getFileName().toString().startsWith("."))
                .sorted()
                .toList();
      } catch (IOException e) {
        throw new BundleException(
            Code.MISSING_FILE, folder + ": cannot list the trusted keys: " + e.getMessage(), e);
      }
      for (Path f : files) {
        PublicKey k = BundleKeys.readPublic(f);
        keys.add(new TrustedKey(f.getFileName().toString(), BundleKeys.keyId(k), k));
      }
    } else if (folder != null && Files.exists(folder)) {
      throw new BundleException(Code.MISSING_FILE, folder + ": not a folder of PEM public keys");
    }
    return new BundleTrust(keys, allowUnsigned, folder);
  }

  /**
   * Checks the signature in {@code dir} against {@code manifest}, the bytes of bundle.json about to
   * be parsed.
   *
   * @param source what the operator named (the folder or .zip), for messages
   * @throws BundleException {@code BAD_SIGNATURE}, {@code UNSIGNED} or {@code UNTRUSTED_SIGNATURE}
   */
  public SignatureStatus check(Path dir, byte[] manifest, Path source) {
    BundleSignature.Parsed p = BundleSignature.read(dir, source);
    if (p == null) {
      if (allowUnsigned) {
        return SignatureStatus.UNSIGNED;
      }
      throw new BundleException(
          Code.UNSIGNED,
          source
              + ": refused: the bundle is not signed (no "
              + BundleSignature.FILE
              + ") and allow-unsigned-bundles is false. Sign it (cordwatch bundle sign) with a key"
              + " whose public half is in "
              + trustedWhere()
              + ", or set allow-unsigned-bundles: true on a test system");
    }
    String sha = BundleChecks.sha256(manifest);
    if (!p.signedSha256().equals(sha) || !BundleSignature.matches(p, manifest)) {
      throw BundleSignature.bad(
          source,
          "refused: the signature does not match bundle.json (bundle.json was changed after it"
              + " was signed, or the signature file is damaged); sign it again or get an intact"
              + " copy");
    }
    for (TrustedKey k : keys) {
      if (Arrays.equals(k.key().getEncoded(), p.key().getEncoded())) {
        return new SignatureStatus(SignatureStatus.State.SIGNED, k.keyId(), k.file());
      }
    }
    if (allowUnsigned) {
      return new SignatureStatus(SignatureStatus.State.UNTRUSTED, p.keyId(), null);
    }
    throw new BundleException(
        Code.UNTRUSTED_SIGNATURE,
        source
            + ": refused: signed by key "
            + BundleKeys.shortId(p.keyId())
            + ", which is not among the trusted keys in "
            + trustedWhere()
            + "; put its public key (.pem) there if you trust its maker");
  }

  private String trustedWhere() {
    if (folder == null) {
      return "bundle-trusted-keys (not set)";
    }
    return folder + (keys.isEmpty() ? " (no keys there now)" : " (" + keys.size() + " key(s))");
  }
}
