package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.BundleSignature;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.testing.AuditRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch bundle keygen|sign|verify --trust|install|list|activate|rollback} on a real data
 * directory and index, as a site engineer runs them (docs/model-bundle.md).
 */
class BundleLifecycleCommandsTest {
  @TempDir Path tmp;

  private Path a;
  private Path b;
  private Path trusted;
  private Path config;
  private Path data;

  @BeforeEach
  void twoVersionsAndAKey() throws Exception {
    a = tmp.resolve("a");
    b = tmp.resolve("b");
    TorchFixture.bundle(a);
    TorchFixture.bundle(b, "torch-tiny-b", 11);
    CliRun keygen = CliRun.run("bundle", "keygen", "--out", tmp.resolve("keys").toString());
    assertEquals(0, keygen.exit(), keygen::all);
    assertTrue(keygen.out().contains("key id:"), keygen::all);
    trusted = Files.createDirectories(tmp.resolve("trusted"));
    Files.copy(tmp.resolve("keys/bundle-signing-key.pub.pem"), trusted.resolve("release.pem"));
    data = tmp.resolve("data");
    config = tmp.resolve("cordwatch.yaml");
    Files.writeString(config, "data-dir: " + data + "\nbundle-trusted-keys: " + trusted + "\n");
  }

  private CliRun sign(Path bundle) {
    return CliRun.run(
        "bundle",
        "sign",
        bundle.toString(),
        "--key",
        tmp.resolve("keys/bundle-signing-key.pem").toString());
  }

  @Test
  void keygenKeepsThePrivateKeyToItsOwner() throws Exception {
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(tmp.resolve("keys/bundle-signing-key.pem"))));
  }

  @Test
  void verifyWithTrustAcceptsOnlyABundleSignedByATrustedKey() throws Exception {
    CliRun unsigned = CliRun.run("bundle", "verify", a.toString(), "--trust", trusted.toString());
    assertEquals(1, unsigned.exit(), unsigned::all);
    assertTrue(unsigned.err().contains("[UNSIGNED]"), unsigned::all);
    // Without --trust the bundle is usable and said to be unsigned.
    CliRun plain = CliRun.run("bundle", "verify", a.toString());
    assertEquals(0, plain.exit(), plain::all);
    assertTrue(plain.out().contains("signature: UNSIGNED"), plain::all);

    CliRun signed = sign(a);
    assertEquals(0, signed.exit(), signed::all);
    assertTrue(Files.exists(a.resolve(BundleSignature.FILE)));
    CliRun ok = CliRun.run("bundle", "verify", a.toString(), "--trust", trusted.toString());
    assertEquals(0, ok.exit(), ok::all);
    assertTrue(ok.out().contains("signature: signed by key"), ok::all);
    assertTrue(ok.out().contains("(release.pem)"), ok::all);

    CliRun other =
        CliRun.run("bundle", "verify", a.toString(), "--trust", tmp.resolve("none").toString());
    assertEquals(1, other.exit(), other::all);
    assertTrue(other.err().contains("[UNTRUSTED_SIGNATURE]"), other::all);

    // bundle.json edited after signing: refused with or without --trust.
    Path manifest = a.resolve(Bundles.MANIFEST);
    Files.writeString(manifest, Files.readString(manifest).replace("\"test\"", "\"tset\""));
    CliRun broken = CliRun.run("bundle", "verify", a.toString());
    assertEquals(1, broken.exit(), broken::all);
    assertTrue(broken.err().contains("[BAD_SIGNATURE]"), broken::all);
  }

  @Test
  void installListActivateAndRollBackWithAnAuditRowPerSwitch() throws Exception {
    CliRun refused = CliRun.run("bundle", "install", a.toString(), "--config", config.toString());
    assertEquals(1, refused.exit(), refused::all);
    assertTrue(refused.err().contains("is not signed"), refused::all);
    assertTrue(refused.err().contains(a.toString()), refused::all);

    assertEquals(0, sign(a).exit());
    assertEquals(0, sign(b).exit());
    CliRun ia = CliRun.run("bundle", "install", a.toString(), "--config", config.toString());
    assertEquals(0, ia.exit(), ia::all);
    String idA =
        ia.out().lines().findFirst().orElseThrow().replaceAll("installed: (\\S+) .*", "$1");
    assertTrue(idA.matches("torch-tiny-test-[0-9a-f]{12}"), ia::all);
    CliRun again = CliRun.run("bundle", "install", a.toString(), "--config", config.toString());
    assertTrue(again.out().startsWith("already installed: " + idA), again::all);
    CliRun ib = CliRun.run("bundle", "install", b.toString(), "--config", config.toString());
    String idB =
        ib.out().lines().findFirst().orElseThrow().replaceAll("installed: (\\S+) .*", "$1");
    // What is installed is a copy that nothing changes.
    assertTrue(
        Files.isRegularFile(data.resolve("bundles").resolve(idB).resolve(BundleSignature.FILE)));

    CliRun none = CliRun.run("bundle", "rollback", "--config", config.toString());
    assertEquals(1, none.exit(), none::all);

    assertEquals(0, CliRun.run("bundle", "activate", idA, "--config", config.toString()).exit());
    CliRun toB = CliRun.run("bundle", "activate", idB, "--config", config.toString());
    assertEquals(0, toB.exit(), toB::all);
    assertTrue(toB.out().contains("active: " + idB + " (was " + idA + ")"), toB::all);

    CliRun list = CliRun.run("bundle", "list", "--config", config.toString());
    assertEquals(0, list.exit(), list::all);
    assertTrue(list.out().contains("* " + idB + "  signed by key"), list::all);
    assertTrue(list.out().contains("  " + idA + "  signed by key"), list::all);

    CliRun back = CliRun.run("bundle", "rollback", "--config", config.toString());
    assertEquals(0, back.exit(), back::all);
    assertTrue(back.out().contains("active: " + idA + " (was " + idB + ")"), back::all);

    CliRun unknown =
        CliRun.run("bundle", "activate", "nope-000000000000", "--config", config.toString());
    assertEquals(1, unknown.exit(), unknown::all);
    assertTrue(unknown.err().contains("bundle list"), unknown::all);

    List<String> audit = AuditRows.of(data.resolve("index.db"), "bundle_activated");
    assertEquals(3, audit.size(), audit::toString);
    String user = System.getProperty("user.name");
    assertEquals(
        "bundle " + idB + " (was " + idA + ") by cli (os user " + user + ") (activate)",
        audit.get(1));
    assertEquals(
        "bundle " + idA + " (was " + idB + ") by cli (os user " + user + ") (rollback)",
        audit.get(2));
    assertEquals(2, AuditRows.of(data.resolve("index.db"), "bundle_installed").size());
  }

  @Test
  void anUnsignedBundleInstallsWhereTheSettingAllowsItAndIsListedAsUnsigned() throws Exception {
    Files.writeString(
        config, "allow-unsigned-bundles: on\n", java.nio.file.StandardOpenOption.APPEND);
    CliRun ia = CliRun.run("bundle", "install", a.toString(), "--config", config.toString());
    assertEquals(0, ia.exit(), ia::all);
    assertTrue(ia.out().contains("(UNSIGNED)"), ia::all);
    // Where unsigned bundles may not run, the list says it would be refused.
    CliRun list = CliRun.run("bundle", "list", "--data-dir", data.toString());
    assertTrue(list.out().contains("REFUSED: refused here: UNSIGNED"), list::all);
  }
}
