package io.cordwatch.trainer.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * The backbone computed the obvious way in plain Java, batch norm kept separate from its
 * convolution: the reference that the ONNX export (with its folded batch norms) and later every
 * other realisation of a {@link LayerSpec} are checked against.
 *
 * <p>Accumulation is in double and activations are stored as float between layers, so the reference
 * is at least as accurate as any float32 engine it judges. Speed is not a goal: it is meant for the
 * small variants tests build, not for ResNet50 at 224x224.
 */
public final class ReferenceForward {
  private final Weights weights;
  private final LayerSpec spec;

  public ReferenceForward(Weights weights) {
    this.weights = Objects.requireNonNull(weights, "weights");
    this.spec = weights.spec();
  }

  /**
   * Embeddings of a batch.
   *
   * @param nchw {@code batch x C x size x size} floats, C = the spec's input channels
   * @return {@code batch} rows of the spec's embedding width
   */
  public float[][] embed(float[] nchw, int batch, int size) {
    spec.requireBatch(nchw, batch, size);
    int item = spec.inputChannels() * size * size;
    float[][] out = new float[batch][];
    for (int n = 0; n < batch; n++) {
      float[] image = Arrays.copyOfRange(nchw, n * item, (n + 1) * item);
      out[n] = embedOne(new Activation(image, spec.inputChannels(), size, size));
    }
    return out;
  }

  private float[] embedOne(Activation x) {
    Activation a = maxPool(relu(convBn(x, spec.stem())));
    for (LayerSpec.Block b : spec.blocks()) {
      Activation y = relu(convBn(a, b.reduce()));
      y = relu(convBn(y, b.spatial()));
      y = convBn(y, b.expand());
      Activation shortcut = b.downsample() != null ? convBn(a, b.downsample()) : a;
      a = relu(add(y, shortcut));
    }
    return globalAveragePool(a);
  }

  /** One image's activations, CHW. */
  private record Activation(float[] data, int channels, int height, int width) {}

  private Activation convBn(Activation x, LayerSpec.Conv c) {
    float[] w = weights.get(c.weightName());
    float[] gamma = weights.get(c.gammaName());
    float[] beta = weights.get(c.betaName());
    float[] mean = weights.get(c.meanName());
    float[] var = weights.get(c.varianceName());
    int k = c.kernel();
    int oh = c.outputSize(x.height());
    int ow = c.outputSize(x.width());
    float[] out = new float[c.outChannels() * oh * ow];
    for (int o = 0; o < c.outChannels(); o++) {
      double invStd = 1.0 / Math.sqrt(var[o] + weights.eps());
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          double sum = 0;
          for (int i = 0; i < c.inChannels(); i++) {
            for (int ky = 0; ky < k; ky++) {
              int iy = oy * c.stride() - c.padding() + ky;
              if (iy < 0 || iy >= x.height()) {
                continue;
              }
              for (int kx = 0; kx < k; kx++) {
                int ix = ox * c.stride() - c.padding() + kx;
                if (ix < 0 || ix >= x.width()) {
                  continue;
                }
                sum +=
                    (double) w[((o * c.inChannels() + i) * k + ky) * k + kx]
                        * x.data()[(i * x.height() + iy) * x.width() + ix];
              }
            }
          }
          out[(o * oh + oy) * ow + ox] = (float) ((sum - mean[o]) * invStd * gamma[o] + beta[o]);
        }
      }
    }
    return new Activation(out, c.outChannels(), oh, ow);
  }

  private static Activation relu(Activation x) {
    float[] d = x.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.max(d[i], 0f);
    }
    return x;
  }

  private static Activation add(Activation a, Activation b) {
    float[] out = new float[a.data().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) ((double) a.data()[i] + b.data()[i]);
    }
    return new Activation(out, a.channels(), a.height(), a.width());
  }

  /** Padding never wins the max (ONNX MaxPool pads with minus infinity). */
  private static Activation maxPool(Activation x) {
    int k = LayerSpec.POOL_KERNEL;
    int s = LayerSpec.POOL_STRIDE;
    int p = LayerSpec.POOL_PADDING;
    int oh = (x.height() + 2 * p - k) / s + 1;
    int ow = (x.width() + 2 * p - k) / s + 1;
    float[] out = new float[x.channels() * oh * ow];
    for (int c = 0; c < x.channels(); c++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          float max = Float.NEGATIVE_INFINITY;
          for (int ky = 0; ky < k; ky++) {
            int iy = oy * s - p + ky;
            for (int kx = 0; kx < k; kx++) {
              int ix = ox * s - p + kx;
              if (iy >= 0 && iy < x.height() && ix >= 0 && ix < x.width()) {
                max = Math.max(max, x.data()[(c * x.height() + iy) * x.width() + ix]);
              }
            }
          }
          out[(c * oh + oy) * ow + ox] = max;
        }
      }
    }
    return new Activation(out, x.channels(), oh, ow);
  }

  private static float[] globalAveragePool(Activation x) {
    int plane = x.height() * x.width();
    float[] out = new float[x.channels()];
    for (int c = 0; c < x.channels(); c++) {
      double sum = 0;
      for (int i = 0; i < plane; i++) {
        sum += x.data()[c * plane + i];
      }
      out[c] = (float) (sum / plane);
    }
    return out;
  }
}
