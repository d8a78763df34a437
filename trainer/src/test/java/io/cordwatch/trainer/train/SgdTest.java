package io.cordwatch.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.cordwatch.trainer.model.DjlResNet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two SGD steps on a linear loss, whose gradient is a known constant, against torch.optim.SGD's
 * update written out by hand: g = c + wd w; buf = g (first step), buf = m buf + g after; w -= lr
 * buf, with the backbone group at lr x factor.
 */
class SgdTest {
  @Test
  void twoStepsFollowTorchSgdWithMomentumWeightDecayAndGroupRates() {
    double lr = 0.1;
    double factor = 0.5;
    double mom = 0.9;
    double wd = 0.01;
    float[] c = {3, 4};
    try (NDManager m = DjlResNet.engine().newBaseManager()) {
      NDArray head = m.create(new float[] {1, -2});
      NDArray body = m.create(new float[] {1, -2});
      head.setRequiresGradient(true);
      body.setRequiresGradient(true);
      Sgd sgd =
          new Sgd(
              new Sgd.Settings(lr, factor, mom, wd),
              List.of(
                  new ProtoNet.Trainable("h", head, ProtoNet.Group.HEAD),
                  new ProtoNet.Trainable("b", body, ProtoNet.Group.BACKBONE)));
      double[] wh = {1, -2};
      double[] wb = {1, -2};
      double[] bh = new double[2];
      double[] bb = new double[2];
      for (int step = 0; step < 2; step++) {
        try (GradientCollector gc = DjlResNet.engine().newGradientCollector()) {
          NDArray cc = m.create(c);
          gc.backward(head.mul(cc).sum().add(body.mul(cc).sum()));
        }
        sgd.step();
        for (int i = 0; i < 2; i++) {
          double gh = c[i] + wd * wh[i];
          double gb = c[i] + wd * wb[i];
          bh[i] = step == 0 ? gh : mom * bh[i] + gh;
          bb[i] = step == 0 ? gb : mom * bb[i] + gb;
          wh[i] -= lr * bh[i];
          wb[i] -= lr * factor * bb[i];
        }
        assertArrayEquals(floats(wh), head.toFloatArray(), 1e-6f, "head after step " + step);
        assertArrayEquals(floats(wb), body.toFloatArray(), 1e-6f, "backbone after step " + step);
        // Gradients are zeroed after the step, so the next backward starts from nothing.
        assertArrayEquals(new float[2], head.getGradient().toFloatArray(), 0f);
      }
    }
  }

  private static float[] floats(double[] d) {
    return new float[] {(float) d[0], (float) d[1]};
  }
}
