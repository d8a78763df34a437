package io.cordwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dicom-tls-* keys: defaults, and the combinations start-up refuses before reading a file. */
class DicomTlsSettingsTest {
  private static String refusal(Map<String, String> flags) {
    return assertThrows(ConfigException.class, () -> Settings.load(null, flags)).getMessage();
  }

  @Test
  void tlsIsOffUntilACertificateIsSetAndThenUses2762WithTls13And12() {
    Settings s = Settings.load(null, Map.of());
    assertNull(s.dicomTlsCert());
    assertEquals(2762, s.dicomTlsPort());
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), s.dicomTlsProtocols());
  }

  @Test
  void aCertificateWithoutItsKeyOrTheOtherWayRoundIsRefused() {
    assertEquals(
        "dicom-tls-key: must be set with dicom-tls-cert (DICOM TLS needs both the certificate and"
            + " its key)",
        refusal(Map.of("dicom-tls-cert", "/etc/c.pem")));
    assertEquals(
        "dicom-tls-cert: must be set with dicom-tls-key (DICOM TLS needs both the certificate and"
            + " its key)",
        refusal(Map.of("dicom-tls-key", "/etc/k.pem")));
  }

  @Test
  void aClientCaWithoutAServerCertificateIsRefused() {
    assertEquals(
        "dicom-tls-client-ca: needs dicom-tls-cert and dicom-tls-key (client certificates are"
            + " checked on the DICOM TLS port only)",
        refusal(Map.of("dicom-tls-client-ca", "/etc/ca.pem")));
  }

  @Test
  void theTlsPortMustDifferFromThePlainOne() {
    assertEquals(
        "dicom-tls-port: must differ from dicom-port (104)",
        refusal(
            Map.of(
                "dicom-port", "104",
                "dicom-tls-port", "104",
                "dicom-tls-cert", "/etc/c.pem",
                "dicom-tls-key", "/etc/k.pem")));
  }

  @Test
  void onlyTls12And13MayBeNamed() {
    assertEquals(
        "dicom-tls-protocols: 'TLSv1.1' is not allowed (BCP 195: TLSv1.3 and TLSv1.2 only)",
        refusal(Map.of("dicom-tls-protocols", "TLSv1.2,TLSv1.1")));
    assertEquals(
        List.of("TLSv1.3"),
        Settings.load(null, Map.of("dicom-tls-protocols", "TLSv1.3")).dicomTlsProtocols());
  }
}
