package io.cordwatch.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.grade.PrototypeHead;
import io.cordwatch.grade.SliceGrade;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.OnnxRuntimeEngine;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.infer.Provenance;
import io.cordwatch.trainer.TinyNet;
import io.cordwatch.trainer.dataset.Augmentation;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.dataset.PhantomData;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.OnnxEnsemble;
import io.cordwatch.trainer.model.OnnxWriter;
import io.cordwatch.trainer.model.Weights;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch ensemble}'s bundle: the joined graph gives each member's embedding scaled by
 * 1/sqrt(M), side by side, and the appliance's own head on it gives the normalised geometric mean
 * of the members' probabilities (what the ensemble claims to be); members that differ in more than
 * their weights are refused by name.
 */
class EnsembleExportTest {
  private static final LayerSpec TINY = TinyNet.SPEC;
  private static final PreprocessingSpec PRE = TinyNet.PRE;

  @TempDir static Path shared;
  private static Dataset val;

  @BeforeAll
  static void data() {
    val =
        Dataset.load(
            PhantomData.write(shared.resolve("phantom"), 2, 4, 31),
            Bundle.DEFAULT_CLASSES,
            PRE,
            Augmentation.none(),
            line -> {});
  }

  /** A member bundle: seeded tiny weights, seeded prototypes near the embeddings' scale. */
  private static Path member(Path dir, long seed, double temperature) throws IOException {
    Files.createDirectories(dir.resolve("src"));
    Path onnx = dir.resolve("src").resolve("b.onnx");
    OnnxWriter.write(Weights.heNormal(TINY, seed), PRE.inputSize(), onnx);
    int d = TINY.embeddingWidth();
    Random random = new Random(seed);
    ByteBuffer b = ByteBuffer.allocate(6 * d * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6 * d; i++) {
      b.putFloat((float) Math.abs(random.nextGaussian()));
    }
    Path protos = dir.resolve("src").resolve("p.f32");
    Files.write(protos, b.array());
    Path out = dir.resolve("bundle");
    Bundles.create(
        out,
        new Bundles.Recipe(
            "member-" + seed,
            onnx,
            protos,
            Bundle.DEFAULT_CLASSES,
            Bundle.DEFAULT_HIGH_GRADE,
            temperature,
            1,
            1,
            PRE,
            new Provenance("test", LocalDate.now(), Map.of(), false, ""),
            Double.NaN));
    return out;
  }

  private static EnsembleExport.Written ensemble(List<Path> members, Path out) throws IOException {
    return EnsembleExport.write(
        new EnsembleExport.Request(
            members, out, out.resolveSibling("work"), "ens", val, 0.95, 4, "test"),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static FloatBuffer inputs(int n) {
    return BundleExport.batch(val, 0, n, new Preprocessing(PRE, 3));
  }

  @Test
  void probabilitiesAreTheNormalisedGeometricMeanOfTheMembers(@TempDir Path tmp)
      throws IOException {
    List<Path> members =
        List.of(
            member(tmp.resolve("a"), 1, 2),
            member(tmp.resolve("b"), 2, 2),
            member(tmp.resolve("c"), 3, 2));
    // A member's confident band belongs to its own probabilities: accepted, not carried over.
    Bundles.setHighThreshold(members.get(0), 0.3, "test");
    Bundles.setConfidentHighThreshold(members.get(0), 0.9, "test");
    EnsembleExport.Written w = ensemble(members, tmp.resolve("ens"));
    Bundle e = w.verified().bundle();
    assertEquals(3 * TINY.embeddingWidth(), e.embeddingWidth());
    assertEquals(0, e.verdictLimits().confidentHighThreshold());
    assertTrue(w.oodScale() > 0, "OOD scale " + w.oodScale());
    String card = Files.readString(e.directory().resolve(BundleExport.MODEL_CARD));
    assertTrue(card.contains("| member-2 | `"), card);
    assertTrue(
        card.contains("- member-3: no training command in its model card; trained on test"), card);
    assertTrue(card.contains("| slices | " + val.size() + " |"), card);
    assertEquals(3.0, e.provenance().metrics().get("ensemble_members"));
    assertTrue(
        e.provenance().metrics().containsKey("val_gwet_ac1"), e.provenance().metrics()::toString);

    int n = 6;
    float[][] joined;
    try (OnnxRuntimeEngine engine = Bundles.openEngine(e)) {
      joined = engine.embed(inputs(n), n);
    }
    PrototypeHead ensembleHead = PrototypeHead.of(e);
    double[][] logSum = new double[n][6];
    int at = 0;
    for (Path p : members) {
      Bundle m = Bundles.load(p);
      float[][] own;
      try (OnnxRuntimeEngine engine = Bundles.openEngine(m)) {
        own = engine.embed(inputs(n), n);
      }
      PrototypeHead head = PrototypeHead.of(m);
      for (int i = 0; i < n; i++) {
        // The joined embedding holds this member's, times 1/sqrt(3).
        for (int j = 0; j < own[i].length; j++) {
          assertEquals(
              own[i][j] / Math.sqrt(3), joined[i][at + j], 1e-5 * (1 + Math.abs(own[i][j])));
        }
        SliceGrade g = head.grade(own[i]);
        for (int c = 0; c < 6; c++) {
          logSum[i][c] += Math.log(g.probabilities()[c]) / 3;
        }
      }
      at += m.embeddingWidth();
    }
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int c = 0; c < 6; c++) {
        z += Math.exp(logSum[i][c]);
      }
      float[] got = ensembleHead.grade(joined[i]).probabilities();
      for (int c = 0; c < 6; c++) {
        assertEquals(Math.exp(logSum[i][c]) / z, got[c], 1e-4, "slice " + i + " class " + c);
      }
    }
  }

  @Test
  void membersThatDifferInMoreThanWeightsAreRefusedByName(@TempDir Path tmp) throws IOException {
    Path a = member(tmp.resolve("a"), 1, 2);
    Path b = member(tmp.resolve("b"), 2, 1.5);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ensemble(List.of(a, b), tmp.resolve("ens")));
    assertTrue(e.getMessage().contains("member 2 (member-2)"), e.getMessage());
    assertTrue(e.getMessage().contains("temperature 1.5 vs 2.0"), e.getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ensemble(List.of(a), tmp.resolve("one")))
            .getMessage()
            .contains("at least two"));
  }

  @Test
  void aMemberWithItsOwnVerdictLimitsIsRefusedRatherThanSilentlyReset(@TempDir Path tmp)
      throws IOException {
    Path a = member(tmp.resolve("a"), 1, 2);
    Path b = member(tmp.resolve("b"), 2, 2);
    Path manifest = b.resolve("bundle.json");
    Files.writeString(
        manifest,
        Files.readString(manifest)
            .replace("\"temperature\"", "\"max_uncertain_fraction\" : 0.4, \"temperature\""));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ensemble(List.of(a, b), tmp.resolve("ens")));
    assertTrue(
        e.getMessage()
            .contains(
                "member 2 (member-2) sets its own indeterminate limits (max_uncertain_fraction 0.4"),
        e.getMessage());
  }

  @Test
  void aFileThatIsNotAnOnnxModelIsRefusedNamingTheMember(@TempDir Path tmp) throws IOException {
    Path good = tmp.resolve("good.onnx");
    OnnxWriter.write(Weights.heNormal(TINY, 1), PRE.inputSize(), good);
    Path bad = tmp.resolve("bad.onnx");
    Files.writeString(bad, "not a model");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                OnnxEnsemble.write(
                    List.of(good, bad),
                    new int[] {TINY.embeddingWidth(), TINY.embeddingWidth()},
                    tmp.resolve("out.onnx")));
    assertTrue(e.getMessage().startsWith("ensemble member 2 (" + bad + ")"), e.getMessage());
  }
}
