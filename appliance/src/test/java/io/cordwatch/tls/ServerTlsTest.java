package io.cordwatch.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files as operators bring them: what loads, and what is refused with which sentence. */
class ServerTlsTest {
  @TempDir Path tmp;
  private TestPki pki;
  private TestPki.Identity rsa;

  @BeforeEach
  void pki() throws Exception {
    pki = TestPki.create(tmp, "Test CA");
    rsa = pki.issue("rsa", "rsa:2048");
  }

  private static String refusal(Path cert, Path key, Path ca) {
    return assertThrows(
            TlsSetupException.class,
            () -> ServerTls.load(cert, key, ca, Bcp195.PROTOCOLS, "dicom-tls-"))
        .getMessage();
  }

  @Test
  void rsaAndEcIdentitiesLoadWithTheBcp195Policy() throws Exception {
    TestPki.Identity ec = pki.issue("ec", "ec");
    ServerTls r = ServerTls.load(rsa.cert(), rsa.key(), null, Bcp195.PROTOCOLS, "dicom-tls-");
    ServerTls e =
        ServerTls.load(ec.cert(), ec.key(), pki.caCert(), List.of("TLSv1.3"), "dicom-tls-");

    assertTrue(r.describe().startsWith("TLSv1.3/TLSv1.2, 7 BCP 195 suites"), r.describe());
    assertTrue(!r.clientCertificatesRequired());
    assertTrue(e.describe().startsWith("TLSv1.3, 3 BCP 195 suites"), e.describe());
    assertTrue(e.clientCertificatesRequired());
  }

  @Test
  void aKeyItsGroupCanReadIsWarnedAboutAndOneEveryoneCanReadRefused() throws Exception {
    Files.setPosixFilePermissions(rsa.key(), PosixFilePermissions.fromString("rw-------"));
    ServerTls tight = ServerTls.load(rsa.cert(), rsa.key(), null, Bcp195.PROTOCOLS, "dicom-tls-");
    Files.setPosixFilePermissions(rsa.key(), PosixFilePermissions.fromString("rw-r-----"));
    ServerTls group = ServerTls.load(rsa.cert(), rsa.key(), null, Bcp195.PROTOCOLS, "dicom-tls-");

    assertEquals(List.of(), tight.warnings());
    assertEquals(
        List.of(
            "dicom-tls-key: "
                + rsa.key()
                + ": may be read by its group (rw-r-----); keep that group to the service user,"
                + " or chmod 600 "
                + rsa.key()),
        group.warnings());

    // The same rule as the HTTPS key (web.TlsIdentity): a key every user may read is refused.
    Files.setPosixFilePermissions(rsa.key(), PosixFilePermissions.fromString("rw-r--r--"));
    TlsSetupException e =
        assertThrows(
            TlsSetupException.class,
            () -> ServerTls.load(rsa.cert(), rsa.key(), null, Bcp195.PROTOCOLS, "dicom-tls-"));
    assertTrue(
        e.getMessage().contains("may be read by every user of this machine"), e.getMessage());
  }

  @Test
  void aMissingFileIsNamedWithItsSetting() {
    Path missing = tmp.resolve("nope.pem");
    assertEquals(
        "dicom-tls-cert: " + missing + ": no such file", refusal(missing, rsa.key(), null));
    assertEquals(
        "dicom-tls-client-ca: " + missing + ": no such file",
        refusal(rsa.cert(), rsa.key(), missing));
  }

  @Test
  void aKeyFileGivenAsTheCertificateIsRefused() {
    String m = refusal(rsa.key(), rsa.key(), null);
    assertTrue(m.startsWith("dicom-tls-cert: " + rsa.key() + ": holds no certificate"), m);
  }

  @Test
  void anOldFormOrEncryptedKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
    TestPki.openssl(tmp, "pkey", "-in", "rsa.key", "-traditional", "-out", "pkcs1.key");
    TestPki.openssl(
        tmp, "pkcs8", "-topk8", "-in", "rsa.key", "-passout", "pass:secret", "-out", "enc.key");

    String pkcs1 = refusal(rsa.cert(), tmp.resolve("pkcs1.key"), null);
    String encrypted = refusal(rsa.cert(), tmp.resolve("enc.key"), null);

    assertTrue(pkcs1.startsWith("dicom-tls-key: " + tmp.resolve("pkcs1.key")), pkcs1);
    assertTrue(pkcs1.contains("old RSA PRIVATE KEY form"), pkcs1);
    assertTrue(pkcs1.contains("openssl pkcs8 -topk8 -nocrypt"), pkcs1);
    assertTrue(encrypted.contains("the private key is encrypted"), encrypted);
  }

  @Test
  void aKeyOfAnotherAlgorithmOrCertificateIsRefused() throws Exception {
    TestPki.Identity ec = pki.issue("ec", "ec");
    TestPki.Identity rsa2 = pki.issue("rsa2", "rsa:2048");

    String algorithm = refusal(rsa.cert(), ec.key(), null);
    String other = refusal(rsa.cert(), rsa2.key(), null);

    assertTrue(algorithm.contains("is a EC key but the certificate's key is RSA"), algorithm);
    assertTrue(other.contains("does not belong to the certificate CN=rsa"), other);
  }

  @Test
  void onlyTls12AndTls13AreAllowed() {
    TlsSetupException e =
        assertThrows(
            TlsSetupException.class,
            () ->
                ServerTls.load(
                    rsa.cert(), rsa.key(), null, List.of("TLSv1.1", "TLSv1.2"), "dicom-tls-"));
    assertTrue(e.getMessage().startsWith("dicom-tls-protocols: 'TLSv1.1' is not allowed"));
  }

  @Test
  void aTextFileIsNotPem() throws Exception {
    Path text = Files.writeString(tmp.resolve("cert.txt"), "hello\n");
    String m = refusal(text, rsa.key(), null);
    assertTrue(m.contains("is not a PEM file"), m);
  }
}
