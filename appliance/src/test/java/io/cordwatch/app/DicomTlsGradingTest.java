package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.config.Settings;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A phantom study sent by DCMTK's storescu over DICOM TLS, with a client certificate the appliance
 * requires, goes down the same pipeline as one sent plain: stored, indexed, graded.
 */
class DicomTlsGradingTest {
  @TempDir Path tmp;

  @Test
  void aPhantomStudySentOverTlsWithAClientCertificateIsGraded() throws Exception {
    TestPki pki = TestPki.create(tmp.resolve("pki"), "Hospital Test CA");
    TestPki.Identity server = pki.issue("cordwatch", "ec");
    TestPki.Identity modality = pki.issue("mr-scanner", "rsa:2048");
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 9, StudyPlan.Style.INTERNAL, 20, false, false));
    List<Path> files;
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("release-grace", "100ms");
    RunningAppliance.unsignedBundle(flags, bundle);
    flags.put("boxes", phantom.resolve("labels.csv").toString());
    flags.put("dicom-tls-port", "0");
    // The TLS handshake and storescu's start-up count against ARTIM; on a loaded machine they took
    // more than the 2 s the other tests use, and the association was closed before its request.
    flags.put("artim-timeout", "20s");
    flags.put("dicom-tls-cert", server.cert().toString());
    flags.put("dicom-tls-key", server.key().toString());
    flags.put("dicom-tls-client-ca", pki.caCert().toString());

    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      Peers.Run sent =
          Peers.storescu(
              appliance.dicomTlsPort(),
              "STORESCU",
              files,
              "+tls",
              modality.key().toString(),
              modality.cert().toString(),
              "-pw",
              "+cf",
              pki.caCert().toString());

      assertEquals(0, sent.exit(), sent.output());
      assertEquals(files.size(), Peers.successes(sent), sent.output());
      assertEquals(files.size(), appliance.index().allInstances().size());
      Await.until(
          "the study's axial series is graded", () -> appliance.meters().seriesGraded() >= 1);
      assertEquals(1.0, appliance.meters().associationsAccepted("tls"));
      assertTrue(appliance.meters().instancesRejected() == 0);
    }
  }
}
