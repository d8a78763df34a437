package io.cordwatch.trainer.localizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.OnnxLocalizer;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A localizer trained for real, but briefly, on phantom slices: a narrow network, small views and a
 * few hundred steps, enough to show that the training loop, the targets and the box reading work
 * together and learn the canal, not enough for the IoU the shipped model reaches (that figure is
 * measured by {@code cordwatch train-localizer} on held-out phantoms and reported in
 * docs/model-bundle.md). It must beat the obvious baseline, the training slices' mean box in
 * relative coordinates, on studies it never saw, and its exported ONNX graph must find the same
 * boxes in ONNX Runtime.
 */
class LocalizerTrainingTest {
  private static final LocalizerSpec SPEC =
      new LocalizerSpec(48, 0.5, 99.5, LocalizerSpec.BOX_PROBABILITY, 0.5, 2.0, 1);

  @TempDir static Path tmp;
  private static LocalizerData.Split split;

  @BeforeAll
  static void phantoms() throws IOException {
    Path dir = tmp.resolve("phantoms");
    Phantom.generate(new Phantom.Options(dir, 10, 41, StudyPlan.Style.INTERNAL, 6, false, false));
    LocalizerData all = LocalizerData.load(dir, null, SPEC, 0, line -> {});
    split = all.split(0.2, 5);
  }

  @Test
  void heldOutStudiesAreNeverTrainedOn() {
    Set<String> train = new HashSet<>(split.train().studies());
    assertEquals(8, train.size());
    assertEquals(2, split.heldOut().studies().size());
    for (String s : split.heldOut().studies()) {
      assertFalse(train.contains(s), s);
    }
    assertEquals(60, split.train().size() + split.heldOut().size());
  }

  @Test
  void aFewHundredViewsTeachItWhereTheCanalIsAndTheExportAgrees() throws IOException {
    LocalizerTraining.Options o =
        LocalizerTraining.Options.defaults()
            .withSpec(SPEC)
            .withWidth(8)
            .withEpochs(8)
            .withBatch(12)
            .withLearningRate(8e-3)
            .withEvaluateEvery(1000);
    List<LocalizerTraining.Epoch> epochs = new ArrayList<>();
    TrainedLocalizer model =
        LocalizerTraining.train(
            split.train(),
            Map.of(),
            o,
            new LocalizerTraining.Progress() {
              @Override
              public void step(LocalizerTraining.Step s) {}

              @Override
              public void epoch(LocalizerTraining.Epoch e) {
                epochs.add(e);
              }
            });

    // Views of held-out studies drawn as in training: does the map say where the box is better
    // than the best constant map (the mean coverage) does?
    Random r = new Random(99);
    int size = SPEC.inputSize();
    int n = 3 * split.heldOut().size();
    float[] views = new float[n * size * size];
    float[] targets = new float[views.length];
    for (int i = 0; i < n; i++) {
      LocalizerTraining.example(
          split.heldOut().samples().get(i % split.heldOut().size()),
          SPEC,
          r,
          views,
          targets,
          i * size * size);
    }
    float[] p;
    try (DjlLocalizer djl = DjlLocalizer.of(model.graph(), model.weights())) {
      p = djl.probabilities(views, n, size);
    }
    double mean = 0;
    for (float t : targets) {
      mean += t;
    }
    mean /= targets.length;
    double trained = crossEntropy(p, targets, Double.NaN);
    double constant = crossEntropy(p, targets, mean);
    System.out.printf(
        "tiny localizer (width 8, %d px views, %d epochs on %d slices, %s): held-out view"
            + " cross-entropy %.4f, best constant map %.4f%n",
        size,
        o.epochs(),
        split.train().size(),
        LocalizerCommand.format(model.report().duration()),
        trained,
        constant);
    assertEquals(8, epochs.size());
    assertTrue(
        epochs.getLast().loss() < 0.85 * epochs.getFirst().loss(),
        "loss did not fall: " + epochs.getFirst().loss() + " -> " + epochs.getLast().loss());
    assertTrue(trained < 0.8 * constant, trained + " vs constant map " + constant);

    // The exported graph gives the appliance the same maps.
    Path onnx = tmp.resolve("tiny.onnx");
    model.export(onnx);
    try (OnnxLocalizer engine = OnnxLocalizer.open(onnx, SPEC)) {
      float[] q = engine.probabilities(views, n);
      double max = 0;
      for (int i = 0; i < p.length; i++) {
        max = Math.max(max, Math.abs(p[i] - q[i]));
      }
      assertTrue(max <= 1e-5, "ONNX Runtime differs from DJL by " + max);
    }
  }

  /** Mean binary cross-entropy of {@code p} (or of the constant {@code c} when not NaN). */
  private static double crossEntropy(float[] p, float[] t, double c) {
    double sum = 0;
    for (int i = 0; i < t.length; i++) {
      double q = Double.isNaN(c) ? p[i] : c;
      q = Math.min(Math.max(q, 1e-7), 1 - 1e-7);
      sum -= t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
    }
    return sum / t.length;
  }
}
