package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.app.Appliance;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.infer.BundleKeys;
import io.cordwatch.infer.BundleSignature;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch backup} and {@code restore} keep the installed model bundles: a running
 * appliance with two installed versions, the second made active, is backed up; the backup's
 * manifest lists both versions with each file's SHA-256; restored into a fresh directory and
 * started without a {@code bundle} setting, the appliance has the same versions, grades with the
 * same active one. A bundle file changed in the backup makes restore refuse, writing nothing; an
 * installed version whose files no longer match its bundle.json is left out of the backup, named.
 */
class BackupBundlesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Path trusted;
  private Path phantom;

  @BeforeEach
  void twoSignedVersions() throws Exception {
    TorchFixture.bundle(tmp.resolve("a"));
    TorchFixture.bundle(tmp.resolve("b"), "torch-tiny-b", 11);
    BundleKeys.Generated key = BundleKeys.generate(tmp.resolve("keys"));
    BundleSignature.sign(tmp.resolve("a"), BundleKeys.readPrivate(key.privateKey()));
    BundleSignature.sign(tmp.resolve("b"), BundleKeys.readPrivate(key.privateKey()));
    trusted = Files.createDirectories(tmp.resolve("trusted"));
    Files.copy(key.publicKey(), trusted.resolve("release.pem"));
    phantom = tmp.resolve("phantom");
    Phantom.generate(new Phantom.Options(phantom, 1, 5, StudyPlan.Style.INTERNAL, 8, false, false));
  }

  private Map<String, String> flags(Path data) {
    Map<String, String> flags = RunningAppliance.flags(data);
    flags.put("release-grace", "100ms");
    flags.put("bundle-trusted-keys", trusted.toString());
    flags.put("boxes", phantom.resolve("labels.csv").toString());
    return flags;
  }

  @Test
  void aRestoredApplianceHasTheSameVersionsAndGradesWithTheSameActiveOne() throws Exception {
    Path data = tmp.resolve("data");
    Path backup = tmp.resolve("backup");
    String idA;
    String idB;
    Map<String, String> first = flags(data);
    first.put("bundle", tmp.resolve("a").toString());
    try (Appliance appliance = Appliance.start(Settings.load(null, first), Clock.systemUTC())) {
      idA = appliance.activeBundleId();
      idB = appliance.bundles().install(tmp.resolve("b"), "test").id();
      appliance.bundles().activateChecked(idB, "test", "activate");
      Await.until("grading with " + idB, () -> idB.equals(appliance.activeBundleId()));

      CliRun run = CliRun.run("backup", "--data-dir", data.toString(), "--out", backup.toString());
      assertEquals(0, run.exit(), run::all);
      assertTrue(run.out().contains(", 2 model bundle versions, index "), run::all);
    }

    JsonNode manifest = JSON.readTree(backup.resolve("manifest.json").toFile());
    List<String> ids = new ArrayList<>();
    manifest.path("bundles").path("versions").forEach(v -> ids.add(v.path("id").asText()));
    assertEquals(List.of(idA, idB).stream().sorted().toList(), ids, manifest.toString());
    JsonNode bundleJson = fileEntry(manifest, idB, "bundle.json");
    assertEquals(
        io.cordwatch.testing.Sha256.of(data.resolve("bundles/" + idB + "/bundle.json")),
        bundleJson.path("sha256").asText());
    assertEquals(0, manifest.path("bundles").path("left_out").size(), manifest.toString());

    Path restored = tmp.resolve("restored");
    CliRun back =
        CliRun.run("restore", "--from", backup.toString(), "--data-dir", restored.toString());
    assertEquals(0, back.exit(), back::all);
    assertTrue(back.out().contains("2 model bundle versions, index last"), back::all);
    for (String id : List.of(idA, idB)) {
      for (Path f : files(data.resolve("bundles/" + id))) {
        Path copy =
            restored.resolve("bundles/" + id).resolve(data.resolve("bundles/" + id).relativize(f));
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(copy), copy.toString());
        assertEquals(
            "r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
      }
    }

    // Started without a bundle setting: the store's active version is the backup's.
    try (Appliance appliance =
        Appliance.start(Settings.load(null, flags(restored)), Clock.systemUTC())) {
      assertEquals(idB, appliance.activeBundleId());
      List<Path> study =
          files(phantom.resolve("study-0001")).stream()
              .filter(p -> p.toString().endsWith(".dcm"))
              .toList();
      Peers.Run sent = Peers.storescu(appliance.dicomPort(), "STORESCU", study);
      assertEquals(study.size(), Peers.successes(sent), sent.output());
      String uid = DicomFacts.read(study.getFirst()).studyInstanceUid();
      Await.until(
          "the study graded",
          () -> appliance.index().study(uid).map(r -> r.state().equals("graded")).orElse(false));
      int graded = 0;
      for (SeriesRow series : appliance.index().study(uid).orElseThrow().series()) {
        if (series.verdictJson() != null) {
          graded++;
          JsonNode model = JSON.readTree(series.verdictJson()).path("model");
          assertEquals("torch-tiny-b", model.path("name").asText(), model.toString());
        }
      }
      assertTrue(graded > 0, "a series was graded");
    }
  }

  @Test
  void aChangedBundleFileInTheBackupMakesRestoreRefuseAndWriteNothing() throws Exception {
    Path data = tmp.resolve("data");
    Path backup = tmp.resolve("backup");
    Map<String, String> first = flags(data);
    first.put("bundle", tmp.resolve("a").toString());
    String idA;
    try (Appliance appliance = Appliance.start(Settings.load(null, first), Clock.systemUTC())) {
      idA = appliance.activeBundleId();
    }
    assertEquals(
        0, CliRun.run("backup", "--data-dir", data.toString(), "--out", backup.toString()).exit());
    Path prototypes = backup.resolve("bundles/" + idA + "/prototypes.f32");
    byte[] bytes = Files.readAllBytes(prototypes);
    bytes[0] ^= 1;
    Files.write(prototypes, bytes);

    Path restored = tmp.resolve("restored");
    CliRun back =
        CliRun.run("restore", "--from", backup.toString(), "--data-dir", restored.toString());
    assertEquals(2, back.exit(), back::all);
    assertTrue(
        back.err().contains("bundles/" + idA + "/prototypes.f32 sha256 differs from the manifest"),
        back::all);
    assertFalse(Files.exists(restored) && files(restored).size() > 0, "nothing written");
  }

  @Test
  void anInstalledVersionThatNoLongerMatchesItsBundleJsonIsLeftOutAndNamed() throws Exception {
    Path data = tmp.resolve("data");
    Map<String, String> first = flags(data);
    first.put("bundle", tmp.resolve("a").toString());
    String idA;
    String idB;
    try (Appliance appliance = Appliance.start(Settings.load(null, first), Clock.systemUTC())) {
      idA = appliance.activeBundleId();
      idB = appliance.bundles().install(tmp.resolve("b"), "test").id();
    }
    Path damaged = data.resolve("bundles/" + idB + "/prototypes.f32");
    damaged.toFile().setWritable(true, true);
    byte[] bytes = Files.readAllBytes(damaged);
    bytes[0] ^= 1;
    Files.write(damaged, bytes);

    Path backup = tmp.resolve("backup");
    CliRun run = CliRun.run("backup", "--data-dir", data.toString(), "--out", backup.toString());
    assertEquals(0, run.exit(), run::all);
    assertTrue(run.out().contains("backup: model bundle " + idB + " left out: "), run::all);
    assertTrue(run.out().contains("[CHECKSUM_MISMATCH]"), run::all);
    JsonNode manifest = JSON.readTree(backup.resolve("manifest.json").toFile());
    assertEquals(idA, manifest.path("bundles").path("versions").get(0).path("id").asText());
    assertEquals(1, manifest.path("bundles").path("versions").size(), manifest.toString());
    assertEquals(idB, manifest.path("bundles").path("left_out").get(0).path("id").asText());
    assertFalse(Files.exists(backup.resolve("bundles/" + idB)), "the bad copy is removed");
  }

  private static JsonNode fileEntry(JsonNode manifest, String id, String path) {
    for (JsonNode v : manifest.path("bundles").path("versions")) {
      if (v.path("id").asText().equals(id)) {
        for (JsonNode f : v.path("files")) {
          if (f.path("path").asText().equals(path)) {
            return f;
          }
        }
      }
    }
    throw new AssertionError(id + "/" + path + " not in " + manifest);
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
