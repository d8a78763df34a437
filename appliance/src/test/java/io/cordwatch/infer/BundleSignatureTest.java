package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed bundles: keys made and read back as PEM, a signature that covers every file through
 * bundle.json, and the trust rules an appliance applies (docs/model-bundle.md, "Signatures").
 */
class BundleSignatureTest {
  @TempDir Path tmp;

  private Path bundle;
  private BundleKeys.Generated key;
  private Path trusted;

  @BeforeEach
  void bundleAndKey() throws Exception {
    bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    key = BundleKeys.generate(tmp.resolve("keys"));
    trusted = Files.createDirectories(tmp.resolve("trusted"));
    Files.copy(key.publicKey(), trusted.resolve("release.pem"));
  }

  @Test
  void keygenWritesAPrivateKeyOnlyItsOwnerReadsAndAPublicKeyWhoseIdItPrints() throws Exception {
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(key.privateKey())));
    assertTrue(Files.readString(key.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
    assertTrue(Files.readString(key.publicKey()).startsWith("-----BEGIN PUBLIC KEY-----"));
    assertEquals(key.keyId(), BundleKeys.keyId(BundleKeys.readPublic(key.publicKey())));
    // The public key a signature carries is derived from the private key alone.
    assertArrayEquals(
        BundleKeys.readPublic(key.publicKey()).getEncoded(),
        BundleKeys.publicOf(BundleKeys.readPrivate(key.privateKey())).getEncoded());
    BundleException again =
        assertThrows(BundleException.class, () -> BundleKeys.generate(tmp.resolve("keys")));
    assertTrue(again.getMessage().contains("never overwritten"), again.getMessage());
  }

  @Test
  void aSignedBundleLoadsAsSignedByTheTrustedKeyAndNamesIt() {
    BundleSignature.Signed s =
        BundleSignature.sign(bundle, BundleKeys.readPrivate(key.privateKey()));
    assertEquals(bundle.resolve(BundleSignature.FILE), s.written());
    assertEquals(key.keyId(), s.keyId());

    Bundle b = Bundles.load(bundle, BundleTrust.load(trusted, false));
    assertEquals(SignatureStatus.State.SIGNED, b.signature().state());
    assertEquals("release.pem", b.signature().keyName());
    assertEquals(key.keyId(), b.signature().keyId());
    assertEquals(Bundles.sha256(bundle.resolve(Bundles.MANIFEST)), b.manifestSha256());
    assertTrue(b.versionId().matches("torch-tiny-test-[0-9a-f]{12}"), b.versionId());
  }

  @Test
  void oneFlippedByteInBundleJsonIsRefusedEvenWhereUnsignedBundlesMayRun() throws Exception {
    BundleSignature.sign(bundle, BundleKeys.readPrivate(key.privateKey()));
    Path manifest = bundle.resolve(Bundles.MANIFEST);
    byte[] bytes = Files.readAllBytes(manifest);
    // A space inside the JSON becomes a tab: still the same manifest to a JSON reader.
    int i = new String(bytes, StandardCharsets.UTF_8).indexOf(' ');
    bytes[i] = '\t';
    Files.write(manifest, bytes);

    for (boolean allowUnsigned : new boolean[] {false, true}) {
      BundleException e =
          assertThrows(
              BundleException.class,
              () -> Bundles.load(bundle, BundleTrust.load(trusted, allowUnsigned)));
      assertEquals(BundleException.Code.BAD_SIGNATURE, e.code());
      assertTrue(e.getMessage().startsWith(bundle + ": refused"), e.getMessage());
      assertTrue(e.getMessage().contains("changed after it was signed"), e.getMessage());
    }
  }

  @Test
  void aChangedModelFileIsRefusedThoughTheSignatureStillMatchesBundleJson() throws Exception {
    BundleSignature.sign(bundle, BundleKeys.readPrivate(key.privateKey()));
    Path protos = bundle.resolve(Bundles.load(bundle).prototypesFile().file());
    byte[] p = Files.readAllBytes(protos);
    p[5] ^= 0x01;
    Files.write(protos, p);
    BundleException e =
        assertThrows(
            BundleException.class, () -> Bundles.load(bundle, BundleTrust.load(trusted, false)));
    assertEquals(BundleException.Code.CHECKSUM_MISMATCH, e.code());
  }

  @Test
  void aKeyThatIsNotTrustedIsRefusedAndRunsOnlyAsUnsignedWhereThatIsAllowed() throws Exception {
    BundleKeys.Generated other = BundleKeys.generate(tmp.resolve("other"));
    BundleSignature.sign(bundle, BundleKeys.readPrivate(other.privateKey()));
    BundleException e =
        assertThrows(
            BundleException.class, () -> Bundles.load(bundle, BundleTrust.load(trusted, false)));
    assertEquals(BundleException.Code.UNTRUSTED_SIGNATURE, e.code());
    assertTrue(e.getMessage().contains(BundleKeys.shortId(other.keyId())), e.getMessage());
    assertTrue(e.getMessage().contains(trusted.toString()), e.getMessage());

    Bundle b = Bundles.load(bundle, BundleTrust.load(trusted, true));
    assertEquals(SignatureStatus.State.UNTRUSTED, b.signature().state());
    assertFalse(b.signature().trusted());
    assertTrue(b.signature().describe().startsWith("UNSIGNED"), b.signature().describe());
  }

  @Test
  void anUnsignedBundleIsRefusedByDefaultAndRunsMarkedUnsignedWithTheSetting() {
    BundleException e =
        assertThrows(
            BundleException.class, () -> Bundles.load(bundle, BundleTrust.load(trusted, false)));
    assertEquals(BundleException.Code.UNSIGNED, e.code());
    assertTrue(e.getMessage().contains("allow-unsigned-bundles"), e.getMessage());
    // No trusted-keys folder at all: nobody is trusted, and the message says where to put keys.
    e =
        assertThrows(
            BundleException.class,
            () -> Bundles.load(bundle, BundleTrust.load(tmp.resolve("absent"), false)));
    assertEquals(BundleException.Code.UNSIGNED, e.code());

    Bundle b = Bundles.load(bundle, BundleTrust.load(trusted, true));
    assertEquals(SignatureStatus.State.UNSIGNED, b.signature().state());
    assertEquals("UNSIGNED", b.signature().describe());
  }

  @Test
  void aZipIsSignedInsideAndLoadsAsSigned() throws Exception {
    Path zip = tmp.resolve("bundle.zip");
    try (OutputStream os = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(os);
        Stream<Path> files = Files.list(bundle)) {
      for (Path f : files.sorted().toList()) {
        z.putNextEntry(new ZipEntry("bundle/" + f.getFileName()));
        z.write(Files.readAllBytes(f));
        z.closeEntry();
      }
    }
    BundleSignature.sign(zip, BundleKeys.readPrivate(key.privateKey()));
    Bundle b = Bundles.load(zip, BundleTrust.load(trusted, false));
    assertEquals(SignatureStatus.State.SIGNED, b.signature().state());
    assertTrue(Files.exists(b.directory().resolve(BundleSignature.FILE)));
    // Signing again replaces the entry rather than adding a second one.
    BundleSignature.sign(zip, BundleKeys.readPrivate(key.privateKey()));
    assertEquals(
        SignatureStatus.State.SIGNED,
        Bundles.load(zip, BundleTrust.load(trusted, false)).signature().state());
  }

  @Test
  void aTrustedKeysFolderWithSomethingElseThanAPublicKeyStopsWithTheFileNamed() throws Exception {
    Files.writeString(trusted.resolve("notes.pem"), "not a key\n");
    BundleException e = assertThrows(BundleException.class, () -> BundleTrust.load(trusted, false));
    assertTrue(e.getMessage().contains("notes.pem"), e.getMessage());
    // A private key put there by mistake is not a public key either.
    Files.delete(trusted.resolve("notes.pem"));
    Files.copy(key.privateKey(), trusted.resolve("oops.pem"));
    e = assertThrows(BundleException.class, () -> BundleTrust.load(trusted, false));
    assertTrue(e.getMessage().contains("oops.pem"), e.getMessage());
  }

  @Test
  void changingBundleJsonInPlaceRemovesTheSignatureItBrokeLeavingAnUnsignedBundle() {
    BundleSignature.sign(bundle, BundleKeys.readPrivate(key.privateKey()));
    int s = TorchFixture.SIZE;
    Bundles.addCalibration(bundle, java.util.List.of(new short[s * s]));
    assertFalse(Files.exists(bundle.resolve(BundleSignature.FILE)));
    Bundle b = Bundles.load(bundle, BundleTrust.load(trusted, true));
    assertEquals(SignatureStatus.State.UNSIGNED, b.signature().state());
  }
}
