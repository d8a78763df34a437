package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.Appliance;
import io.cordwatch.config.ConfigException;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DICOM over TLS (PS3.15 B.9/B.10, BCP 195) on the second port, against DCMTK's TLS storescu and
 * echoscu, and against hand-made ClientHellos for what no well-behaved client sends.
 */
class DicomTlsTest {
  @TempDir Path tmp;
  private TestPki pki;
  private TestPki.Identity server;
  private Appliance appliance;

  @BeforeEach
  void pki() throws Exception {
    pki = TestPki.create(tmp.resolve("pki"), "CordWatch Test CA");
    server = pki.issue("server", "rsa:2048");
  }

  @AfterEach
  void stop() {
    if (appliance != null) {
      appliance.close();
    }
  }

  private void start(Map<String, String> extra) {
    Map<String, String> flags = new HashMap<>();
    flags.put("dicom-tls-port", "0");
    flags.put("dicom-tls-cert", server.cert().toString());
    flags.put("dicom-tls-key", server.key().toString());
    flags.putAll(extra);
    appliance = RunningAppliance.start(tmp.resolve("data"), flags);
  }

  /** DCMTK's TLS options: our identity (or none), and the CA that signed the server. */
  private List<String> tls(TestPki.Identity client) {
    List<String> o = new ArrayList<>();
    if (client == null) {
      o.add("+tla");
    } else {
      o.addAll(List.of("+tls", client.key().toString(), client.cert().toString(), "-pw"));
    }
    o.addAll(List.of("+cf", pki.caCert().toString()));
    return o;
  }

  private Peers.Run echo(int port, List<String> options) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("echoscu", "-v", "-aet", "ECHOSCU"));
    cmd.addAll(List.of("-aec", "CORDWATCH"));
    cmd.addAll(options);
    cmd.addAll(List.of("127.0.0.1", Integer.toString(port)));
    return Peers.run(cmd, 60);
  }

  @Test
  void aStudySentOverTlsIsStoredAndIndexedLikeOneSentPlain() throws Exception {
    start(Map.of());
    int tlsPort = appliance.dicomTlsPort();
    assertTrue(tlsPort > 0 && tlsPort != appliance.dicomPort(), "TLS port " + tlsPort);
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(5, false, false, 64, 3));

    Peers.Run r = Peers.storescu(tlsPort, "STORESCU", files, tls(null).toArray(String[]::new));

    assertEquals(0, r.exit(), r.output());
    assertEquals(5, Peers.successes(r), r.output());
    List<InstanceRow> rows = appliance.index().allInstances();
    assertEquals(5, rows.size());
    assertTrue(rows.stream().allMatch(row -> row.callingAe().equals("STORESCU")));
    assertEquals(1, appliance.index().totals().studies());
    assertEquals(1.0, appliance.meters().associationsAccepted("tls"));
    assertEquals(0.0, appliance.meters().associationsAccepted("tcp"));
    Peers.Run echo = echo(tlsPort, tls(null));
    assertTrue(echo.output().contains("Received Echo Response (Success)"), echo.output());
  }

  @Test
  void theAeAllowListHoldsOnTheTlsPortToo() throws Exception {
    start(Map.of());
    List<String> cmd = new ArrayList<>(List.of("echoscu", "-aet", "STRANGER", "-aec", "CORDWATCH"));
    cmd.addAll(tls(null));
    cmd.addAll(List.of("127.0.0.1", Integer.toString(appliance.dicomTlsPort())));

    Peers.Run r = Peers.run(cmd, 60);

    assertNotEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("Association Rejected"), r.output());
    assertEquals(1.0, appliance.meters().associationsRejected("tls", "calling_ae"), r.output());
  }

  @Test
  void tls13IsPreferredAndTls12GetsEcdheWithAesGcm() throws Exception {
    start(Map.of());
    SSLSession best = handshake(appliance.dicomTlsPort(), "TLSv1.3", "TLSv1.2");
    SSLSession old = handshake(appliance.dicomTlsPort(), "TLSv1.2");

    assertEquals("TLSv1.3", best.getProtocol());
    assertEquals("TLSv1.2", old.getProtocol());
    assertTrue(old.getCipherSuite().matches("TLS_ECDHE_RSA_WITH_AES_(128|256)_GCM_SHA(256|384)"));
  }

  @Test
  void aTls12OnlyListenerRefusesATls13OnlyClient() throws Exception {
    start(Map.of("dicom-tls-protocols", "TLSv1.2"));

    assertEquals(
        "TLSv1.2", handshake(appliance.dicomTlsPort(), "TLSv1.3", "TLSv1.2").getProtocol());
    assertThrows(SSLException.class, () -> handshake(appliance.dicomTlsPort(), "TLSv1.3"));
  }

  /** A JDK client that trusts the test CA, offering {@code protocols}; the session it got. */
  private SSLSession handshake(int port, String... protocols) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pki.caCert())) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      s.setEnabledProtocols(protocols);
      s.startHandshake();
      return s.getSession();
    }
  }

  @Test
  void plainDicomOnTheTlsPortFailsAndNeitherListenerStops() throws Exception {
    start(Map.of());

    Peers.Run plain = Peers.echoscu(appliance.dicomTlsPort(), "ECHOSCU");

    assertNotEquals(0, plain.exit(), plain.output());
    Await.until(
        "the failed handshake is counted",
        () -> appliance.meters().associationsRejected("tls", "tls_handshake") == 1.0);
    assertEquals(0, echo(appliance.dicomTlsPort(), tls(null)).exit());
    assertEquals(0, Peers.echoscu(appliance.dicomPort(), "ECHOSCU").exit());
    assertTrue(appliance.dicomListening());
  }

  @Test
  void aTls11OnlyClientGetsAProtocolVersionAlert() throws Exception {
    start(Map.of());

    byte[] answer = hello(appliance.dicomTlsPort(), 0x0302, CBC_SUITES);

    assertEquals(ALERT, answer[0], "an alert record, not a ServerHello");
    assertEquals(FATAL, answer[5]);
    assertEquals(PROTOCOL_VERSION, answer[6]);
    Await.until(
        "the refused handshake is counted",
        () -> appliance.meters().associationsRejected("tls", "tls_handshake") == 1.0);
  }

  @Test
  void aTls12ClientOfferingOnlyCbcSuitesIsRefused() throws Exception {
    start(Map.of());

    byte[] answer = hello(appliance.dicomTlsPort(), 0x0303, CBC_SUITES);

    assertEquals(ALERT, answer[0], "an alert record, not a ServerHello");
    assertEquals(FATAL, answer[5]);
    assertEquals(HANDSHAKE_FAILURE, answer[6]);
  }

  @Test
  void withAClientCaOnlyClientsWithACertificateItSignedGetIn() throws Exception {
    start(Map.of("dicom-tls-client-ca", pki.caCert().toString()));
    int port = appliance.dicomTlsPort();
    TestPki.Identity client = pki.issue("modality", "ec");
    TestPki other = TestPki.create(tmp.resolve("other-pki"), "Some Other CA");
    TestPki.Identity stranger = other.issue("stranger", "ec");

    Peers.Run without = echo(port, tls(null));
    Peers.Run foreign = echo(port, tls(stranger));
    Peers.Run signed = echo(port, tls(client));

    assertNotEquals(0, without.exit(), without.output());
    assertNotEquals(0, foreign.exit(), foreign.output());
    assertEquals(0, signed.exit(), signed.output());
    assertTrue(signed.output().contains("Received Echo Response (Success)"), signed.output());
    Await.until(
        "both refusals are counted",
        () -> appliance.meters().associationsRejected("tls", "tls_handshake") == 2.0);
  }

  @Test
  void aConnectionThatNeverSaysHelloIsClosedByArtim() throws Exception {
    start(Map.of());
    try (Socket s = new Socket("127.0.0.1", appliance.dicomTlsPort())) {
      s.setSoTimeout(60_000);
      assertEquals(-1, readOrEnd(s.getInputStream()), "closed without a word");
    }
    Await.until(
        "the silent connection is counted",
        () -> appliance.meters().associationsRejected("tls", "artim_timeout") == 1.0);
  }

  @Test
  void aHelloDrippedAByteAtATimeIsCutOffByArtim() throws Exception {
    start(Map.of("artim-timeout", "1s"));
    byte[] hello = clientHello(0x0303, List.of(0x1301, 0xC02F));
    int sent = 0;
    try (Socket s = new Socket("127.0.0.1", appliance.dicomTlsPort())) {
      OutputStream out = s.getOutputStream();
      try {
        // 100 ms a byte: the whole hello would take longer than ten ARTIM budgets.
        for (; sent < hello.length; sent++) {
          out.write(hello[sent]);
          out.flush();
          Thread.sleep(100);
        }
      } catch (SocketException closed) {
        // the receiver closed the connection: what this test waits for
      }
    }
    assertTrue(sent < hello.length, "the whole hello got through: " + hello.length + " bytes");
    Await.until(
        "the dripping client is counted",
        () -> appliance.meters().associationsRejected("tls", "artim_timeout") == 1.0);
  }

  @Test
  void aKeyOfAnotherCertificateStopsStartUpNamingTheKeyAndFile() throws Exception {
    TestPki.Identity other = pki.issue("other", "rsa:2048");
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("dicom-tls-cert", server.cert().toString());
    flags.put("dicom-tls-key", other.key().toString());

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Appliance.start(
                    RunningAppliance.settings(tmp.resolve("data"), flags), Clock.systemUTC()));

    assertTrue(e.getMessage().startsWith("dicom-tls-key: " + other.key()), e.getMessage());
    assertTrue(e.getMessage().contains("does not belong to the certificate"), e.getMessage());
  }

  // ---- hand-made TLS records

  private static final byte ALERT = 21;
  private static final byte FATAL = 2;
  private static final byte HANDSHAKE_FAILURE = 40;
  private static final byte PROTOCOL_VERSION = 70;

  /** ECDHE-RSA and RSA key exchange with AES-CBC: fine in 2010, refused by BCP 195. */
  private static final List<Integer> CBC_SUITES = List.of(0xC013, 0xC014, 0xC027, 0x002F, 0x0035);

  /** Sends a ClientHello of {@code version} offering {@code suites}; returns the first answer. */
  private static byte[] hello(int port, int version, List<Integer> suites) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write(clientHello(version, suites));
      s.getOutputStream().flush();
      byte[] answer = s.getInputStream().readNBytes(7);
      assertEquals(7, answer.length, "the server closed without an answer");
      return answer;
    }
  }

  /**
   * A minimal ClientHello (RFC 5246 7.4.1.2): {@code version}, {@code suites}, no compression, and
   * only the extensions a TLS 1.2 server needs to pick an ECDHE suite (groups, point formats,
   * signature algorithms); no supported_versions, so it cannot be read as a TLS 1.3 hello.
   */
  static byte[] clientHello(int version, List<Integer> suites) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, version);
    body.writeBytes(new byte[32]); // random
    body.write(0); // no session id
    u16(body, suites.size() * 2);
    suites.forEach(c -> u16(body, c));
    body.write(1);
    body.write(0); // null compression
    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    u16(ext, 0x000a); // supported_groups: secp256r1, x25519
    u16(ext, 6);
    u16(ext, 4);
    u16(ext, 0x0017);
    u16(ext, 0x001d);
    u16(ext, 0x000b); // ec_point_formats: uncompressed
    u16(ext, 2);
    ext.write(1);
    ext.write(0);
    u16(ext, 0x000d); // signature_algorithms: rsa_pss_rsae_sha256, rsa_pkcs1_sha256, ecdsa_sha256
    u16(ext, 8);
    u16(ext, 6);
    u16(ext, 0x0804);
    u16(ext, 0x0401);
    u16(ext, 0x0403);
    u16(body, ext.size());
    body.writeBytes(ext.toByteArray());
    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    handshake.write(1); // client_hello
    handshake.write(0);
    u16(handshake, body.size());
    handshake.writeBytes(body.toByteArray());
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(22); // handshake
    u16(record, 0x0301);
    u16(record, handshake.size());
    record.writeBytes(handshake.toByteArray());
    return record.toByteArray();
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v & 0xff);
  }

  /** The next byte, or -1 at the end of the stream; a reset counts as the end. */
  private static int readOrEnd(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (SocketException reset) {
      return -1;
    }
  }
}
