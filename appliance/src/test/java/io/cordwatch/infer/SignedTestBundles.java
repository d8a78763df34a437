package io.cordwatch.infer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two test bundles the bundle-lifecycle tests switch between, signed by one key whose public
 * half is the only trusted key: {@code a} ({@link TorchFixture#bundle(Path)}, torch-tiny-test) and
 * {@code b} (torch-tiny-b, seed 11), in {@code tmp/a} and {@code tmp/b}, the key in {@code
 * tmp/keys}, the trusted folder {@code tmp/trusted} (the {@code bundle-trusted-keys} setting).
 *
 * @param a bundle a as loaded before signing
 * @param signedB what signing b wrote (its manifest digest names it in verdicts)
 * @param trusted the folder holding the public key
 */
public record SignedTestBundles(Bundle a, BundleSignature.Signed signedB, Path trusted) {
  public static SignedTestBundles make(Path tmp) throws Exception {
    Bundle a = TorchFixture.bundle(tmp.resolve("a"));
    TorchFixture.bundle(tmp.resolve("b"), "torch-tiny-b", 11);
    BundleKeys.Generated key = BundleKeys.generate(tmp.resolve("keys"));
    BundleSignature.sign(tmp.resolve("a"), BundleKeys.readPrivate(key.privateKey()));
    BundleSignature.Signed signedB =
        BundleSignature.sign(tmp.resolve("b"), BundleKeys.readPrivate(key.privateKey()));
    Path trusted = Files.createDirectories(tmp.resolve("trusted"));
    Files.copy(key.publicKey(), trusted.resolve("release.pem"));
    return new SignedTestBundles(a, signedB, trusted);
  }
}
