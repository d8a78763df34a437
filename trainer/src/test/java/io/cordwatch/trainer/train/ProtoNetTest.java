package io.cordwatch.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.cordwatch.trainer.TinyNet;
import io.cordwatch.trainer.model.DjlResNet;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.Weights;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Training steps on the prototypical network: the loss falls on a fixed batch, every trainable
 * array including the prototypes moves, and nothing accumulates in the parameters' native memory
 * from step to step (a leak there would end a multi-hour run).
 */
class ProtoNetTest {
  private static final LayerSpec TINY = TinyNet.SPEC;

  @Test
  void stepsLowerTheLossOnAFixedBatchWithoutLeakingNativeArrays() {
    int n = 8;
    int size = 32;
    int k = 3;
    int d = TINY.embeddingWidth();
    Random random = new Random(3);
    float[][] protos = new float[k][d];
    for (float[] row : protos) {
      for (int j = 0; j < d; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    float[] x = new float[n * 3 * size * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] oneHot = new float[n * k];
    for (int j = 0; j < n; j++) {
      oneHot[j * k + j % k] = 1;
    }
    float[] start = new float[n * d];
    for (int i = 0; i < start.length; i++) {
      start[i] = (float) random.nextGaussian();
    }
    try (ProtoNet net = ProtoNet.of(Weights.heNormal(TINY, 2), protos)) {
      float[] protosBefore = net.prototypes().toFloatArray();
      Sgd sgd = new Sgd(new Sgd.Settings(0.05, 0.1, 0.9, 5e-4), net.trainables());
      NDManager params = net.backbone().manager();
      float first = 0;
      float last = 0;
      int arraysAfterFirstStep = -1;
      for (int step = 0; step < 8; step++) {
        try (NDManager scope = params.newSubManager()) {
          NDArray input = scope.create(x, new Shape(n, 3, size, size));
          try (GradientCollector gc = DjlResNet.engine().newGradientCollector()) {
            Losses.Terms t =
                Losses.terms(
                    net.embed(input, true),
                    net.prototypes(),
                    scope.create(oneHot, new Shape(n, k)),
                    scope.create(new float[] {1, 1, 1}),
                    Losses.Weights.published(),
                    scope.create(start, new Shape(n, d)),
                    scope);
            gc.backward(t.total());
            last = t.total().getFloat();
            if (step == 0) {
              first = last;
            }
          }
          sgd.step();
        }
        if (step == 0) {
          arraysAfterFirstStep = params.getManagedArrays().size();
        }
      }
      assertTrue(last < first, "loss " + first + " -> " + last);
      assertEquals(
          arraysAfterFirstStep,
          params.getManagedArrays().size(),
          "arrays left attached to the parameters' manager by training steps");
      assertTrue(
          !java.util.Arrays.equals(protosBefore, net.prototypes().toFloatArray()),
          "the prototypes did not move");
    }
  }
}
