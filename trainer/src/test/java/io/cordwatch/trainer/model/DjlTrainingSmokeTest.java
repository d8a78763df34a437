package io.cordwatch.trainer.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.cordwatch.trainer.TinyNet;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The DJL realisation trains: a few plain SGD steps on one fixed random batch (which the network
 * can memorise) lower the cross-entropy, and the updated parameters come back into {@link Weights}.
 * A smoke test of the gradient path through every block kind, not of learning quality or speed.
 */
class DjlTrainingSmokeTest {
  private static final LayerSpec TINY = TinyNet.SPEC;
  private static final int SIZE = 32;
  private static final int BATCH = 8;
  private static final int CLASSES = 3;
  private static final int STEPS = 8;

  @Test
  void sgdStepsOnAFixedBatchLowerTheCrossEntropy() {
    Weights weights = Weights.heNormal(TINY, 21);
    float[] before = weights.get("conv1.weight").clone();
    float[] input = Fixtures.gaussian(BATCH * 3 * SIZE * SIZE, 22);
    Random random = new Random(23);
    float[] labels = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      labels[i] = random.nextInt(CLASSES);
    }

    DjlResNet.engine();
    float[] losses = new float[STEPS];
    try (DjlResNet djl = DjlResNet.of(weights);
        Model model = Model.newInstance("smoke", DjlResNet.ENGINE)) {
      // A linear classifier on the embedding stands in for the prototype head here.
      model.setBlock(
          new SequentialBlock().add(djl.block()).add(Linear.builder().setUnits(CLASSES).build()));
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.02f)).build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(BATCH, 3, SIZE, SIZE));
        // Initialising the trainer may re-draw parameters; the backbone must start from Weights.
        djl.load(weights);
        NDArray x = trainer.getManager().create(input, new Shape(BATCH, 3, SIZE, SIZE));
        NDArray y = trainer.getManager().create(labels);
        for (int step = 0; step < STEPS; step++) {
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList logits = trainer.forward(new NDList(x));
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), logits);
            losses[step] = loss.getFloat();
            collector.backward(loss);
          }
          trainer.step();
        }
        djl.store(weights);
      }
    }
    System.out.printf(
        "tiny ResNet + linear head, %d SGD steps (lr 0.02, batch %d): cross-entropy %s%n",
        STEPS, BATCH, Arrays.toString(losses));
    for (float l : losses) {
      assertTrue(Float.isFinite(l), "loss diverged: " + Arrays.toString(losses));
    }
    assertTrue(
        losses[STEPS - 1] < losses[0], "cross-entropy did not fall: " + Arrays.toString(losses));
    assertFalse(
        Arrays.equals(before, weights.get("conv1.weight")),
        "the stem kernel must have been updated and stored back");
  }
}
