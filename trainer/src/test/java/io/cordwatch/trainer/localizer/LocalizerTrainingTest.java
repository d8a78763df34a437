package io.cordwatch.trainer.localizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.OnnxLocalizer;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.CanalLocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
  void aBrieflyTrainedLocalizerBeatsTheMeanBoxAndExportsFaithfully() throws IOException {
    LocalizerTraining.Options o =
        LocalizerTraining.Options.defaults()
            .withSpec(SPEC)
            .withWidth(8)
            .withEpochs(24)
            .withBatch(12)
            .withLearningRate(4e-3)
            .withEvaluateEvery(1000);
    List<LocalizerTraining.Epoch> epochs = new ArrayList<>();
    TrainedLocalizer model =
        LocalizerTraining.train(
            split.train(),
            Map.of("held-out", split.heldOut()),
            o,
            new LocalizerTraining.Progress() {
              @Override
              public void step(LocalizerTraining.Step s) {}

              @Override
              public void epoch(LocalizerTraining.Epoch e) {
                epochs.add(e);
              }
            });
    IouStats trained = model.report().heldOut().get("held-out");
    double baseline = meanBoxIou(split.train(), split.heldOut());
    System.out.printf(
        "tiny localizer (width 8, %d px views, %d epochs on %d slices, %s): held-out %s;"
            + " mean-box baseline mean IoU %.3f%n",
        SPEC.inputSize(),
        o.epochs(),
        split.train().size(),
        LocalizerCommand.format(model.report().duration()),
        trained,
        baseline);
    assertEquals(24, epochs.size());
    assertTrue(
        epochs.getLast().loss() < epochs.getFirst().loss(),
        "loss did not fall: " + epochs.getFirst().loss() + " -> " + epochs.getLast().loss());
    assertTrue(
        trained.mean() > baseline + 0.2,
        "trained mean IoU " + trained.mean() + " vs mean-box baseline " + baseline);

    Path onnx = tmp.resolve("tiny.onnx");
    model.export(onnx);
    try (OnnxLocalizer engine = OnnxLocalizer.open(onnx, SPEC);
        DjlLocalizer djl = DjlLocalizer.of(model.graph(), model.weights())) {
      CanalLocator viaOrt = new CanalLocator(SPEC, engine::probabilities);
      CanalLocator viaDjl =
          new CanalLocator(SPEC, (v, n) -> djl.probabilities(v, n, SPEC.inputSize()));
      for (LocalizerData.Sample s : split.heldOut().samples()) {
        float[] unit = s.unitFloats();
        assertEquals(
            viaDjl.locateUnit(unit, s.columns(), s.rows()).box(),
            viaOrt.locateUnit(unit, s.columns(), s.rows()).box(),
            s.sopInstanceUid());
      }
    }
  }

  /** IoU of the training slices' mean box (in fractions of the slice) on the held-out slices. */
  private static double meanBoxIou(LocalizerData train, LocalizerData test) {
    double[] m = new double[4];
    for (LocalizerData.Sample s : train.samples()) {
      m[0] += (double) s.box().x0() / s.columns();
      m[1] += (double) s.box().y0() / s.rows();
      m[2] += (double) s.box().x1() / s.columns();
      m[3] += (double) s.box().y1() / s.rows();
    }
    for (int i = 0; i < 4; i++) {
      m[i] /= train.size();
    }
    double sum = 0;
    for (LocalizerData.Sample s : test.samples()) {
      CanalBox guess =
          new CanalBox(
              (int) Math.round(m[0] * s.columns()),
              (int) Math.round(m[1] * s.rows()),
              (int) Math.round(m[2] * s.columns()),
              (int) Math.round(m[3] * s.rows()));
      sum += guess.iou(s.box());
    }
    return sum / test.size();
  }
}
