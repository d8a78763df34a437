package io.cordwatch.trainer.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The parameters of a {@link LayerSpec}: one float array per tensor, named as in a torchvision
 * {@code state_dict} (convolution kernels OIHW, batch-norm gamma/beta/running mean/running
 * variance), plus the batch-norm epsilon.
 *
 * <p>Arrays are held and handed out as they are, not copied: a ResNet50 carries 25.5 M floats, and
 * the trainer will update them in place. {@link #put} checks every replacement against the spec, so
 * a tensor of the wrong size is refused where it is set rather than found in the exported graph.
 */
public final class Weights {
  /** torch.nn.BatchNorm2d's default. */
  public static final double DEFAULT_EPS = 1e-5;

  private final LayerSpec spec;
  private final double eps;
  private final Map<String, float[]> tensors;

  private Weights(LayerSpec spec, double eps, Map<String, float[]> tensors) {
    this.spec = spec;
    this.eps = eps;
    this.tensors = tensors;
  }

  /**
   * He-initialised weights: kernels from N(0, 2 / fan_in) with fan_in = in channels x kernel height
   * x kernel width, batch norms at identity (gamma 1, beta 0, mean 0, variance 1).
   *
   * <p>He (fan-in) initialisation keeps the activation variance roughly constant through the ReLU
   * layers, so the untrained network neither vanishes nor overflows at ResNet50 depth; identity
   * batch norms are what a training run starts from.
   */
  public static Weights heNormal(LayerSpec spec, long seed) {
    Objects.requireNonNull(spec, "spec");
    Random random = new Random(seed);
    Map<String, float[]> tensors = new LinkedHashMap<>();
    for (LayerSpec.Conv c : spec.convs()) {
      double std = Math.sqrt(2.0 / (c.inChannels() * c.kernel() * c.kernel()));
      float[] kernel = new float[c.weightCount()];
      for (int i = 0; i < kernel.length; i++) {
        kernel[i] = (float) (random.nextGaussian() * std);
      }
      float[] ones = new float[c.outChannels()];
      Arrays.fill(ones, 1f);
      tensors.put(c.weightName(), kernel);
      tensors.put(c.gammaName(), ones);
      tensors.put(c.betaName(), new float[c.outChannels()]);
      tensors.put(c.meanName(), new float[c.outChannels()]);
      tensors.put(c.varianceName(), ones.clone());
    }
    return new Weights(spec, DEFAULT_EPS, tensors);
  }

  /**
   * The same tensors with another batch-norm epsilon (e.g. one a pretrained model was made with).
   */
  public Weights withEps(double eps) {
    if (!(eps > 0) || !Double.isFinite(eps)) {
      throw new IllegalArgumentException("batch-norm eps must be positive and finite, got " + eps);
    }
    return new Weights(spec, eps, tensors);
  }

  public LayerSpec spec() {
    return spec;
  }

  public double eps() {
    return eps;
  }

  /** Tensor names in forward order. */
  public Set<String> names() {
    return tensors.keySet();
  }

  /** The live array of a tensor. */
  public float[] get(String name) {
    float[] values = tensors.get(name);
    if (values == null) {
      throw new IllegalArgumentException("no tensor '" + name + "' in this spec");
    }
    return values;
  }

  /** Replaces a tensor; its length must be the spec's. */
  public void put(String name, float[] values) {
    Objects.requireNonNull(values, "values");
    int expected = get(name).length;
    if (values.length != expected) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' needs " + expected + " floats, got " + values.length);
    }
    tensors.put(name, values);
  }

  /** The total number of floats, 25.5 M for ResNet50. */
  public long parameterCount() {
    long n = 0;
    for (float[] t : tensors.values()) {
      n += t.length;
    }
    return n;
  }
}
