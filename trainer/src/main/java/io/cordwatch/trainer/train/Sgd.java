package io.cordwatch.trainer.train;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum and weight decay, in PyTorch's formulation
 * (torch.optim.SGD, dampening 0, no Nesterov), per parameter:
 *
 * <pre>{@code
 * g   = grad + weight_decay * w
 * buf = momentum * buf + g          (buf = g at the first step)
 * w   = w - lr_group * buf
 * }</pre>
 *
 * with lr_group the head's learning rate for the prototypes and lr * backboneFactor for the
 * backbone (the authors' lr / 10). Written here rather than taken from DJL's optimiser so that the
 * momentum buffers are ours to checkpoint: a resumed run continues with the same velocity and
 * reproduces an uninterrupted one.
 *
 * <p>Gradients are zeroed after every step (PyTorch accumulates them into the leaves).
 */
public final class Sgd {
  /** The hyper-parameters. */
  public record Settings(double lr, double backboneFactor, double momentum, double weightDecay) {
    public Settings {
      if (!(lr > 0)
          || !(backboneFactor >= 0)
          || !(momentum >= 0 && momentum < 1)
          || !(weightDecay >= 0)) {
        throw new IllegalArgumentException(
            "need lr > 0, backbone factor >= 0, 0 <= momentum < 1, weight decay >= 0; got " + this);
      }
    }

    /** The authors' values: lr 5e-3 for the head, lr / 10 for the backbone, weight decay 5e-4. */
    public static Settings published() {
      return new Settings(5e-3, 0.1, 0.9, 5e-4);
    }
  }

  private final Settings settings;
  private final List<ProtoNet.Trainable> params;
  private final Map<String, NDArray> buffers = new LinkedHashMap<>();
  private long steps;

  public Sgd(Settings settings, List<ProtoNet.Trainable> params) {
    this.settings = settings;
    this.params = List.copyOf(params);
  }

  public Settings settings() {
    return settings;
  }

  /** Steps taken (restored from a checkpoint). */
  public long steps() {
    return steps;
  }

  /** Applies one update from the accumulated gradients, then zeroes them. */
  public void step() {
    step(1);
  }

  /**
   * As {@link #step()}, with both groups' rates multiplied by {@code scale} (a schedule's factor).
   */
  public void step(double scale) {
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("learning-rate scale must be in (0, 1], got " + scale);
    }
    for (ProtoNet.Trainable t : params) {
      NDArray w = t.array();
      double lr =
          scale
              * (t.group() == ProtoNet.Group.HEAD
                  ? settings.lr()
                  : settings.lr() * settings.backboneFactor());
      try (NDArray grad = w.getGradient()) {
        NDArray buf = buffers.get(t.name());
        if (buf == null) {
          buf = grad.duplicate();
          buf.attach(w.getManager());
          if (settings.weightDecay() > 0) {
            try (NDArray decay = w.mul((float) settings.weightDecay())) {
              buf.addi(decay);
            }
          }
          buffers.put(t.name(), buf);
        } else {
          buf.muli((float) settings.momentum()).addi(grad);
          if (settings.weightDecay() > 0) {
            try (NDArray decay = w.mul((float) settings.weightDecay())) {
              buf.addi(decay);
            }
          }
        }
        try (NDArray update = buf.mul((float) lr)) {
          w.subi(update);
        }
        grad.subi(grad);
      }
    }
    steps++;
  }

  /** The momentum buffers by parameter name (copies), for a checkpoint. */
  public Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    buffers.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  /**
   * Restores buffers and the step count from a checkpoint; a parameter the checkpoint has no buffer
   * for starts without velocity, as in a fresh run.
   */
  public void restore(Map<String, float[]> state, long steps) {
    for (ProtoNet.Trainable t : params) {
      float[] v = state.get(t.name());
      NDArray old = v == null ? buffers.remove(t.name()) : buffers.put(t.name(), buffer(t, v));
      if (old != null) {
        old.close();
      }
    }
    this.steps = steps;
  }

  /**
   * Sets every parameter's gradient to zero: after a step that was computed but not applied (a
   * non-finite loss leaves NaN gradients behind, which the next backward pass would add to).
   */
  public void zeroGradients() {
    for (ProtoNet.Trainable t : params) {
      NDArray g = t.array().getGradient();
      g.set(new float[Math.toIntExact(g.size())]);
    }
  }

  private static NDArray buffer(ProtoNet.Trainable t, float[] v) {
    NDArray w = t.array();
    return w.getManager().create(v, w.getShape());
  }
}
