package io.cordwatch.trainer.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.cordwatch.trainer.model.DjlResNet;
import io.cordwatch.trainer.train.ProtoNet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SimCLR's projection head, {@code z = W2 relu(W1 e + b1)}: the loss is computed on z, not on the
 * embedding e, so the embedding keeps what the views share without being forced to throw away
 * everything the augmentations change (SimCLR's finding; the head is discarded after pretraining).
 * Kept without batch norm: the fewer moving parts, the fewer ways to get it wrong here.
 *
 * <p>W1 is He-initialised (it feeds a ReLU), W2 drawn with variance 1/hidden; both from the seed.
 * Owns the native memory of its arrays (close it).
 */
public final class ProjectionHead implements AutoCloseable {
  /** Hidden and output widths (SimCLR used 2048 and 128; 512 keeps the head small on a CPU). */
  public static final int HIDDEN = 512;

  public static final int OUT = 128;

  static final String W1 = "projection.w1";
  static final String B1 = "projection.b1";
  static final String W2 = "projection.w2";

  private final NDManager manager;
  private final Map<String, NDArray> arrays = new LinkedHashMap<>();

  private ProjectionHead(NDManager manager) {
    this.manager = manager;
  }

  /** A fresh head for embeddings of width {@code in}, drawn from {@code seed}. */
  public static ProjectionHead create(int in, long seed) {
    Random random = new Random(seed);
    Map<String, float[]> t = new LinkedHashMap<>();
    t.put(W1, gaussian(random, in * HIDDEN, Math.sqrt(2.0 / in)));
    t.put(B1, new float[HIDDEN]);
    t.put(W2, gaussian(random, HIDDEN * OUT, Math.sqrt(1.0 / HIDDEN)));
    return of(in, t);
  }

  /**
   * A head with these tensors (from a checkpoint).
   *
   * @throws IllegalStateException when a tensor is missing or has the wrong size
   */
  public static ProjectionHead of(int in, Map<String, float[]> tensors) {
    NDManager m = DjlResNet.engine().newBaseManager();
    ProjectionHead h = new ProjectionHead(m);
    try {
      h.put(tensors, W1, new Shape(in, HIDDEN));
      h.put(tensors, B1, new Shape(HIDDEN));
      h.put(tensors, W2, new Shape(HIDDEN, OUT));
      return h;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private void put(Map<String, float[]> tensors, String name, Shape shape) {
    float[] v = tensors.get(name);
    if (v == null || v.length != shape.size()) {
      throw new IllegalStateException(
          "projection head tensor " + name + " missing or not " + shape + " in size");
    }
    NDArray a = manager.create(v, shape);
    a.setRequiresGradient(true);
    arrays.put(name, a);
  }

  /**
   * Copies a checkpoint's tensors into this head's arrays, in place (the optimiser keeps its
   * references to them).
   *
   * @throws IllegalStateException when a tensor is missing or has the wrong size
   */
  public void load(Map<String, float[]> tensors) {
    arrays.forEach(
        (name, a) -> {
          float[] v = tensors.get(name);
          if (v == null || v.length != a.size()) {
            throw new IllegalStateException(
                "projection head tensor " + name + " missing or not " + a.getShape() + " in size");
          }
          a.set(v);
        });
  }

  /** {@code z [N, OUT]} from embeddings {@code e [N, in]}, in e's manager. */
  public NDArray project(NDArray e) {
    return Activation.relu(e.matMul(arrays.get(W1)).add(arrays.get(B1))).matMul(arrays.get(W2));
  }

  /** The head's arrays as trainables of the head's learning-rate group. */
  public List<ProtoNet.Trainable> trainables() {
    return arrays.entrySet().stream()
        .map(e -> new ProtoNet.Trainable(e.getKey(), e.getValue(), ProtoNet.Group.HEAD))
        .toList();
  }

  /** Copies of the tensors by name, for a checkpoint. */
  public Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  private static float[] gaussian(Random random, int n, double sd) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * sd);
    }
    return v;
  }

  @Override
  public void close() {
    manager.close();
  }
}
