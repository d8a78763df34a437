package io.cordwatch.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.cordwatch.trainer.model.DjlResNet;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prototypical network being trained: the DJL ResNet backbone and K learnable prototypes {@code
 * [K, D]}, with the parameters sorted into the two learning-rate groups of the authors' code (the
 * head at lr, the backbone at lr / 10).
 *
 * <p>Every trainable array is a leaf that PyTorch accumulates gradients into; batch-norm running
 * statistics are not trainable (batch norm updates them in training-mode forward passes). The
 * instance owns the native memory of everything (close it).
 */
public final class ProtoNet implements AutoCloseable {
  /** Which learning rate a parameter gets. */
  public enum Group {
    HEAD,
    BACKBONE
  }

  /** A trainable array with its name (torchvision's, or "prototypes") and group. */
  public record Trainable(String name, NDArray array, Group group) {}

  public static final String PROTOTYPES = "prototypes";

  private final DjlResNet backbone;
  private final NDArray prototypes;
  private final List<Trainable> trainables;

  private ProtoNet(DjlResNet backbone, NDArray prototypes, List<Trainable> trainables) {
    this.backbone = backbone;
    this.prototypes = prototypes;
    this.trainables = trainables;
  }

  /** Builds the network with {@code weights} and {@code prototypes} ({@code K x D}) loaded. */
  public static ProtoNet of(Weights weights, float[][] prototypes) {
    DjlResNet backbone = DjlResNet.of(weights);
    try {
      int d = weights.spec().embeddingWidth();
      for (float[] p : prototypes) {
        if (p.length != d) {
          throw new IllegalArgumentException(
              "prototypes must be " + d + " wide (the embedding width), got " + p.length);
        }
      }
      NDManager m = backbone.manager();
      NDArray protos = m.create(flatten(prototypes), new Shape(prototypes.length, d));
      protos.setRequiresGradient(true);
      List<Trainable> trainables = new ArrayList<>();
      trainables.add(new Trainable(PROTOTYPES, protos, Group.HEAD));
      for (String name : weights.names()) {
        Parameter p = backbone.parameter(name);
        if (p.requiresGradient()) {
          p.getArray().setRequiresGradient(true);
          trainables.add(new Trainable(name, p.getArray(), Group.BACKBONE));
        }
      }
      return new ProtoNet(backbone, protos, List.copyOf(trainables));
    } catch (RuntimeException e) {
      backbone.close();
      throw e;
    }
  }

  public LayerSpec spec() {
    return backbone.spec();
  }

  public DjlResNet backbone() {
    return backbone;
  }

  /** The prototypes array (a trainable leaf). */
  public NDArray prototypes() {
    return prototypes;
  }

  /** K. */
  public int classCount() {
    return (int) prototypes.getShape().get(0);
  }

  /** The trainable arrays, prototypes first, then the backbone in forward order. */
  public List<Trainable> trainables() {
    return trainables;
  }

  /**
   * Embeddings {@code [N, D]} of a batch {@code x [N, C, S, S]}; in training mode batch norm uses
   * batch statistics and updates its running statistics. The result lives in {@code x}'s manager.
   */
  public NDArray embed(NDArray x, boolean training) {
    NDArray y =
        backbone
            .block()
            .forward(new ParameterStore(x.getManager(), false), new NDList(x), training)
            .singletonOrThrow();
    return y.reshape(x.getShape().get(0), -1);
  }

  /** The prototypes as a K x D Java array. */
  public float[][] prototypeRows() {
    float[] flat = prototypes.toFloatArray();
    int k = classCount();
    int d = flat.length / k;
    float[][] rows = new float[k][d];
    for (int c = 0; c < k; c++) {
      System.arraycopy(flat, c * d, rows[c], 0, d);
    }
    return rows;
  }

  /** Overwrites the prototypes. */
  public void setPrototypes(float[][] rows) {
    prototypes.set(flatten(rows));
  }

  /** Every tensor (backbone parameters with running statistics, and the prototypes) by name. */
  public Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    Weights w = Weights.heNormal(spec(), 0);
    backbone.store(w);
    for (String name : w.names()) {
      out.put(name, w.get(name));
    }
    out.put(PROTOTYPES, prototypes.toFloatArray());
    return out;
  }

  /** The backbone's current parameters as {@link Weights} (for the ONNX export). */
  public Weights weights(double eps) {
    Weights w = Weights.heNormal(spec(), 0).withEps(eps);
    backbone.store(w);
    return w;
  }

  static float[] flatten(float[][] rows) {
    int d = rows.length == 0 ? 0 : rows[0].length;
    float[] flat = new float[rows.length * d];
    for (int c = 0; c < rows.length; c++) {
      System.arraycopy(rows[c], 0, flat, c * d, d);
    }
    return flat;
  }

  @Override
  public void close() {
    backbone.close();
  }
}
