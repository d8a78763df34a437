package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.TorchFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch adapt} end to end on phantom studies written by {@code cordwatch phantom}, the
 * embeddings made by the appliance's own grading path: the shipped demo bundle re-enrolled on
 * randomized phantoms of a contrast it was not trained on (accepted and written as a new bundle),
 * and a bundle around the torch-exported tiny backbone with random prototypes, whose re-enrolled
 * prototypes would call every slice low (refused on sensitivity, with the figures).
 */
class AdaptCommandTest {
  private static final Path SHIPPED = Path.of("demo-bundle").toAbsolutePath();
  @TempDir static Path tmp;
  static Path tiny;
  static Path plain;
  static Path contrast;
  static String shippedSha;

  @BeforeAll
  static void data() throws Exception {
    tiny = tmp.resolve("tiny");
    TorchFixture.bundle(tiny);
    shippedSha = Bundles.sha256(SHIPPED.resolve(Bundles.MANIFEST));
    plain = tmp.resolve("plain");
    CliRun r =
        CliRun.run(
            "phantom",
            "--out",
            plain.toString(),
            "--studies",
            "5",
            "--slices",
            "16",
            "--seed",
            "11");
    assertEquals(0, r.exit(), r.all());
    contrast = tmp.resolve("contrast");
    r =
        CliRun.run(
            "phantom",
            "--out",
            contrast.toString(),
            "--style",
            "randomized",
            "--hold-out",
            "contrast",
            "--studies",
            "10",
            "--slices",
            "24",
            "--seed",
            "21");
    assertEquals(0, r.exit(), r.all());
  }

  @Test
  void writesANewBundleNamingItsParentAndLeavesTheParentAlone() throws Exception {
    Path out = tmp.resolve("adapted");
    CliRun r =
        CliRun.run(
            "adapt",
            "--bundle",
            SHIPPED.toString(),
            "--data",
            contrast.toString(),
            "--out",
            out.toString(),
            "--name",
            "site-a",
            "--min-per-grade",
            "3",
            // 16 high-grade slices cannot show the default's 0.10 (see the test below).
            "--sensitivity-tolerance",
            "0.6");
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("held-out studies, 5 folds"), r.all());
    assertTrue(r.out().contains("wrote " + out), r.all());
    Bundle b = Bundles.verify(out).bundle();
    assertEquals("site-a", b.name());
    Bundle p = Bundles.load(SHIPPED);
    assertEquals(p.name(), b.provenance().parent().name());
    assertEquals(shippedSha, b.provenance().parent().manifestSha256());
    assertTrue(b.provenance().metrics().containsKey("adapt_cv_adapted_ac1"));
    assertTrue(
        b.provenance().metrics().get("adapt_cv_adapted_ac1")
            >= b.provenance().metrics().get("adapt_cv_parent_ac1"));
    assertTrue(b.provenance().trainingData().contains("re-enrolled by cordwatch adapt"));
    assertEquals(shippedSha, Bundles.sha256(SHIPPED.resolve(Bundles.MANIFEST)), "parent unchanged");
    assertEquals(p.backbone().sha256(), b.backbone().sha256());
    assertEquals(p.highThreshold(), b.highThreshold());
    assertTrue(!Arrays.deepEquals(p.prototypes(), b.prototypes()), "prototypes moved");

    // A second run into the same folder is refused: a bundle is never changed in place.
    CliRun again =
        CliRun.run(
            "adapt",
            "--bundle",
            SHIPPED.toString(),
            "--data",
            contrast.toString(),
            "--out",
            out.toString(),
            "--min-per-grade",
            "3",
            "--sensitivity-tolerance",
            "0.6");
    assertEquals(2, again.exit(), again.all());
    assertTrue(again.err().contains("not empty"), again.all());
  }

  @Test
  void byDefaultTooFewHighGradeSlicesCannotShowThatSensitivityIsKept() {
    CliRun r =
        CliRun.run(
            "adapt",
            "--bundle",
            SHIPPED.toString(),
            "--data",
            contrast.toString(),
            "--out",
            tmp.resolve("unproven").toString(),
            "--min-per-grade",
            "3");
    assertEquals(3, r.exit(), r.all());
    assertTrue(r.err().contains("cannot rule out a loss of more than 0.10"), r.all());
  }

  @Test
  void refusesAnAdaptationThatLosesSensitivityWithTheFigures() {
    Path out = tmp.resolve("refused");
    CliRun r =
        CliRun.run(
            "adapt",
            "--bundle",
            tiny.toString(),
            "--data",
            plain.toString(),
            "--out",
            out.toString(),
            "--min-per-grade",
            "2");
    assertEquals(3, r.exit(), r.all());
    assertTrue(r.out().contains("parent"), r.all());
    assertTrue(r.err().contains("refused: held-out sensitivity"), r.all());
    assertTrue(!Files.exists(out), "nothing written");
  }

  @Test
  void refusesTooFewStudiesBeforeFitting() {
    CliRun r =
        CliRun.run(
            "adapt",
            "--bundle",
            tiny.toString(),
            "--data",
            plain.toString(),
            "--out",
            tmp.resolve("few").toString(),
            "--min-studies",
            "9");
    assertEquals(3, r.exit(), r.all());
    assertTrue(r.err().contains("refused: 5 studies; at least 9 are needed"), r.all());
  }

  @Test
  void aFolderWithoutLabelsIsNamed() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("no-labels"));
    CliRun r =
        CliRun.run(
            "adapt",
            "--bundle",
            tiny.toString(),
            "--data",
            empty.toString(),
            "--out",
            tmp.resolve("x").toString());
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains(empty + ": no labels.csv"), r.all());
  }
}
