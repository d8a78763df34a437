package io.cordwatch.trainer.localizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.cordwatch.trainer.model.DjlResNet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW over a {@link DjlLocalizer}'s trainable parameters, with the forward and backward pass of
 * one step: the localizer's training and the canal segmenter's share it, each with its own loss.
 * Moments live beside the parameters; every temporary array of a step lives in a sub-manager that
 * is closed when the step ends, so native memory stays flat over a long run.
 */
public final class AdamW {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final DjlLocalizer net;
  private final double weightDecay;
  private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
  private long t;

  /**
   * The learning rate of step {@code step} (0-based) of {@code total}: a linear warm-up over the
   * first min(100, total / 10) steps, then a cosine decay to 2% of {@code peak} at the end.
   */
  public static double warmupCosine(double peak, long step, long total) {
    double warmup = Math.max(1, Math.min(100, total / 10));
    double warm = Math.min(1, (step + 1) / warmup);
    double cosine = 0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, total)));
    return peak * warm * cosine;
  }

  /** The loss of a batch: logits [N, C, V, V] against targets of the shape given to a step. */
  @FunctionalInterface
  public interface Loss {
    NDArray of(NDArray logits, NDArray targets);
  }

  public AdamW(DjlLocalizer net, double weightDecay) {
    this.net = net;
    this.weightDecay = weightDecay;
    net.parameters()
        .forEach(
            (name, p) -> {
              if (LocalizerGraph.trainable(name)) {
                moments.put(
                    name,
                    new NDArray[] {
                      net.manager().zeros(p.getShape()), net.manager().zeros(p.getShape())
                    });
              }
            });
  }

  /**
   * Forward, backward and update on one batch of {@code count} views [1, size, size] with targets
   * of {@code targetChannels} channels per view pixel; returns the loss before the update.
   */
  public double step(
      float[] views,
      float[] targets,
      int count,
      int size,
      int targetChannels,
      double lr,
      Loss lossFunction) {
    t++;
    try (NDManager scope = net.manager().newSubManager()) {
      NDArray x = scope.create(views, new Shape(count, 1, size, size));
      NDArray y = scope.create(targets, new Shape(count, targetChannels, size, size));
      double loss;
      try (GradientCollector collector = DjlResNet.engine().newGradientCollector()) {
        NDArray logits = net.forward(x, true);
        NDArray value = lossFunction.of(logits, y);
        collector.backward(value);
        loss = value.getFloat();
      }
      double bc1 = 1 - Math.pow(BETA1, t);
      double bc2 = 1 - Math.pow(BETA2, t);
      for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
        NDArray p = net.parameters().get(e.getKey());
        NDArray m = e.getValue()[0];
        NDArray v = e.getValue()[1];
        NDArray g = own(scope, p.getGradient());
        if (LocalizerGraph.decays(e.getKey()) && weightDecay > 0) {
          p.muli((float) (1 - lr * weightDecay));
        }
        m.muli((float) BETA1).addi(own(scope, g.mul((float) (1 - BETA1))));
        v.muli((float) BETA2).addi(own(scope, g.square().muli((float) (1 - BETA2))));
        NDArray denom = own(scope, v.sqrt()).divi((float) Math.sqrt(bc2)).addi((float) EPS);
        NDArray update = own(scope, m.div(denom)).muli((float) (lr / bc1));
        p.subi(update);
        g.subi(g); // PyTorch accumulates gradients; start the next step from zero
      }
      return loss;
    }
  }

  private static NDArray own(NDManager scope, NDArray a) {
    a.attach(scope);
    return a;
  }
}
