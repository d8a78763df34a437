package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {
  @TempDir Path dir;

  @Test
  void rsaAndEcKeysFromOpensslLoadAndMatchTheirCertificates() {
    for (TestCertificate c :
        List.of(TestCertificate.rsa(dir, "rsa"), TestCertificate.ec(dir, "ec"))) {
      TlsIdentity tls = TlsIdentity.load(c.cert(), c.key(), Instant.now());
      assertEquals("CN=localhost", tls.certificate().getSubjectX500Principal().getName());
      assertEquals(List.of(), tls.warnings());
      assertTrue(tls.describe().startsWith("CN=localhost, "), tls.describe());
    }
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() {
    TestCertificate a = TestCertificate.rsa(dir, "a");
    TestCertificate b = TestCertificate.rsa(dir, "b");
    IllegalArgumentException e = refused(a.cert(), b.key());
    assertTrue(
        e.getMessage()
            .startsWith("tls-key: " + b.key() + ": does not belong to the certificate CN="),
        e.getMessage());
    // An EC key against an RSA certificate, too.
    TestCertificate ec = TestCertificate.ec(dir, "ec");
    assertTrue(refused(a.cert(), ec.key()).getMessage().startsWith("tls-key: "));
  }

  @Test
  void missingFilesAndFilesWithoutPemAreRefusedNamingTheSetting() throws IOException {
    TestCertificate c = TestCertificate.rsa(dir, "c");
    Path missing = dir.resolve("nope.pem");
    assertEquals("tls-cert: " + missing + ": no such file", refused(missing, c.key()).getMessage());
    assertEquals("tls-key: " + missing + ": no such file", refused(c.cert(), missing).getMessage());

    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    assertTrue(
        refused(junk, c.key())
            .getMessage()
            .startsWith("tls-cert: " + junk + ": is not a PEM file"));
    Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rw-------"));
    assertTrue(
        refused(c.cert(), junk)
            .getMessage()
            .startsWith("tls-key: " + junk + ": is not a PEM file"));

    Path broken =
        Files.writeString(
            dir.resolve("broken.pem"),
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertTrue(
        refused(broken, c.key())
            .getMessage()
            .startsWith("tls-cert: " + broken + ": certificate 1 cannot be read"));
  }

  @Test
  void swappedFilesAreSaidToBeSwapped() {
    TestCertificate c = TestCertificate.rsa(dir, "c");
    assertTrue(
        refused(c.key(), c.key()).getMessage().contains("were tls-cert and tls-key swapped?"));
  }

  @Test
  void olderOpensslAndEncryptedKeysAreRefusedWithTheCommandThatConverts() throws IOException {
    TestCertificate c = TestCertificate.rsa(dir, "c");
    Path traditional = dir.resolve("rsa-traditional.pem");
    TestCertificate.Result r =
        TestCertificate.run(
            List.of(
                "openssl",
                "pkey",
                "-in",
                c.key().toString(),
                "-traditional",
                "-out",
                traditional.toString()));
    assertEquals(0, r.exitCode(), r.output());
    Files.setPosixFilePermissions(traditional, PosixFilePermissions.fromString("rw-------"));
    IllegalArgumentException e = refused(c.cert(), traditional);
    assertTrue(e.getMessage().contains("old RSA PRIVATE KEY form"), e.getMessage());
    assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + traditional));

    Path encrypted = dir.resolve("encrypted.pem");
    r =
        TestCertificate.run(
            List.of(
                "openssl",
                "pkcs8",
                "-topk8",
                "-in",
                c.key().toString(),
                "-out",
                encrypted.toString(),
                "-passout",
                "pass:secret-secret"));
    assertEquals(0, r.exitCode(), r.output());
    Files.setPosixFilePermissions(encrypted, PosixFilePermissions.fromString("rw-------"));
    assertTrue(refused(c.cert(), encrypted).getMessage().contains("is encrypted;"));
  }

  @Test
  void aKeyEveryUserMayReadIsRefusedAndOneItsGroupMayReadWarns() throws IOException {
    TestCertificate c = TestCertificate.rsa(dir, "c");
    Files.setPosixFilePermissions(c.key(), PosixFilePermissions.fromString("rw-r--r--"));
    IllegalArgumentException e = refused(c.cert(), c.key());
    assertEquals(
        "tls-key: "
            + c.key()
            + ": may be read by every user of this machine (rw-r--r--); make it readable by the"
            + " service user only: chmod 600 "
            + c.key(),
        e.getMessage());

    Files.setPosixFilePermissions(c.key(), PosixFilePermissions.fromString("rw-r-----"));
    List<String> warnings = TlsIdentity.load(c.cert(), c.key(), Instant.now()).warnings();
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.getFirst().contains("may be read by its group"), warnings.toString());
  }

  @Test
  void anExpiredCertificateWarnsButStillLoads() {
    TestCertificate c = TestCertificate.rsa(dir, "c");
    List<String> warnings =
        TlsIdentity.load(c.cert(), c.key(), Instant.now().plus(Duration.ofDays(91))).warnings();
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.getFirst().contains(" expired at "), warnings.toString());
  }

  @Test
  void onlyForwardSecretAeadSuitesAreOffered() {
    assertTrue(TlsIdentity.modern("TLS_AES_128_GCM_SHA256"));
    assertTrue(TlsIdentity.modern("TLS_CHACHA20_POLY1305_SHA256"));
    assertTrue(TlsIdentity.modern("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
    assertTrue(TlsIdentity.modern("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
    assertTrue(!TlsIdentity.modern("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"));
    assertTrue(!TlsIdentity.modern("TLS_RSA_WITH_AES_128_GCM_SHA256"));
    assertTrue(!TlsIdentity.modern("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"));
  }

  private static IllegalArgumentException refused(Path cert, Path key) {
    return assertThrows(
        IllegalArgumentException.class, () -> TlsIdentity.load(cert, key, Instant.now()));
  }
}
