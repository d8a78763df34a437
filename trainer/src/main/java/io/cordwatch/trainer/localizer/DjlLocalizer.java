package io.cordwatch.trainer.localizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import io.cordwatch.trainer.model.DjlResNet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * {@link LocalizerGraph} realised on Deep Java Library's PyTorch engine: parameters as plain
 * NDArrays under one manager, and a forward pass that walks the graph's nodes with DJL's functional
 * operators. No DJL {@code Block} tree: the graph already is the structure, and naming every tensor
 * ourselves keeps the parameter names identical to the ONNX initializers.
 *
 * <p>Batch norm normalises with the batch statistics and updates the running ones when {@code
 * training} is true (momentum 0.1 in PyTorch's sense), and uses the running statistics otherwise,
 * which is what the exported graph computes with the norm folded into the convolution.
 *
 * <p>The instance owns the native memory of its parameters; close it when done.
 */
public final class DjlLocalizer implements AutoCloseable {
  /** DJL's momentum weighs the old running value: 0.9 is PyTorch's momentum 0.1. */
  private static final float BN_MOMENTUM = 0.9f;

  /**
   * A one-logit head starts out saying "not canal" (p about 0.05): most view pixels are not. A head
   * of several classes starts from zero bias.
   */
  private static final float HEAD_PRIOR = -3f;

  private final LocalizerGraph graph;
  private final NDManager manager;
  private final Map<String, NDArray> parameters;

  private DjlLocalizer(LocalizerGraph graph, NDManager manager, Map<String, NDArray> parameters) {
    this.graph = graph;
    this.manager = manager;
    this.parameters = parameters;
  }

  /** A freshly initialised network: He-normal kernels from {@code seed}, batch norm identity. */
  public static DjlLocalizer initialise(LocalizerGraph graph, long seed) {
    Random random = new Random(seed);
    Map<String, float[]> values = new LinkedHashMap<>();
    graph
        .parameterShapes()
        .forEach(
            (name, shape) -> {
              float[] v = new float[LocalizerGraph.count(shape)];
              if (name.endsWith(".weight")) {
                // Fan-in of a kernel [O, I, k, k]: in-channels x kernel area. The head starts
                // nearly silent, so the first steps are not spent undoing random logits.
                long fanIn = shape[1] * shape[2] * shape[3];
                double std = name.equals("head.weight") ? 0.01 : Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < v.length; i++) {
                  v[i] = (float) (random.nextGaussian() * std);
                }
              } else if (name.endsWith(".gamma") || name.endsWith(".running_var")) {
                java.util.Arrays.fill(v, 1f);
              } else if (name.equals("head.bias") && v.length == 1) {
                v[0] = HEAD_PRIOR;
              }
              values.put(name, v);
            });
    return of(graph, values);
  }

  /** The network with the given parameter values (e.g. a trained snapshot). */
  public static DjlLocalizer of(LocalizerGraph graph, Map<String, float[]> values) {
    Objects.requireNonNull(graph, "graph");
    NDManager manager = DjlResNet.engine().newBaseManager();
    try {
      Map<String, NDArray> parameters = new LinkedHashMap<>();
      graph
          .parameterShapes()
          .forEach(
              (name, shape) -> {
                float[] v = values.get(name);
                if (v == null || v.length != LocalizerGraph.count(shape)) {
                  throw new IllegalArgumentException(
                      "parameter "
                          + name
                          + (v == null ? " is missing" : " has " + v.length + " values")
                          + ", the graph needs "
                          + LocalizerGraph.count(shape));
                }
                NDArray a = manager.create(v, new Shape(shape));
                a.setName(name);
                if (LocalizerGraph.trainable(name)) {
                  a.setRequiresGradient(true);
                }
                parameters.put(name, a);
              });
      return new DjlLocalizer(graph, manager, parameters);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public LocalizerGraph graph() {
    return graph;
  }

  /** The manager owning the parameters; a training step works in a sub-manager of it. */
  public NDManager manager() {
    return manager;
  }

  /** Parameters by name, in graph order (the running statistics included). */
  Map<String, NDArray> parameters() {
    return parameters;
  }

  /**
   * Logits [N, classes, V, V] for views [N, 1, V, V]. Intermediate arrays belong to {@code x}'s
   * manager.
   */
  public NDArray forward(NDArray x, boolean training) {
    Map<String, NDArray> t = new HashMap<>();
    t.put(LocalizerGraph.INPUT, x);
    for (LocalizerGraph.Node node : graph.nodes()) {
      NDArray y =
          switch (node) {
            case LocalizerGraph.ConvBnRelu c -> {
              int d = c.dilation();
              NDArray conv =
                  Conv2d.conv2d(
                          t.get(c.input()),
                          p(c.name() + ".weight"),
                          null,
                          new Shape(1, 1),
                          new Shape(d, d),
                          new Shape(d, d),
                          1)
                      .singletonOrThrow();
              NDArray bn =
                  BatchNorm.batchNorm(
                          conv,
                          p(c.name() + ".running_mean"),
                          p(c.name() + ".running_var"),
                          p(c.name() + ".gamma"),
                          p(c.name() + ".beta"),
                          1,
                          BN_MOMENTUM,
                          LocalizerGraph.BN_EPS,
                          training)
                      .singletonOrThrow();
              yield Activation.relu(bn);
            }
            case LocalizerGraph.MaxPool m ->
                Pool.maxPool2d(
                    t.get(m.input()), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            case LocalizerGraph.Up u ->
                Conv2d.conv2d(
                        t.get(u.input()),
                        p(u.name() + ".weight"),
                        p(u.name() + ".bias"),
                        new Shape(1, 1),
                        new Shape(0, 0),
                        new Shape(1, 1),
                        1)
                    .singletonOrThrow()
                    .repeat(2, 2)
                    .repeat(3, 2);
            case LocalizerGraph.Add a -> t.get(a.a()).add(t.get(a.b()));
            case LocalizerGraph.Head h ->
                Conv2d.conv2d(
                        t.get(h.input()),
                        p(h.name() + ".weight"),
                        p(h.name() + ".bias"),
                        new Shape(1, 1),
                        new Shape(0, 0),
                        new Shape(1, 1),
                        1)
                    .singletonOrThrow();
          };
      t.put(node.name(), y);
    }
    return t.get(graph.output());
  }

  /**
   * Box probabilities of {@code count} views of {@code size} x {@code size} (inference mode): the
   * {@link io.cordwatch.roi.CanalLocator.Net} contract, for scoring the model in training exactly
   * as the appliance will run it.
   */
  public float[] probabilities(float[] views, int count, int size) {
    return inference(views, count, size, false);
  }

  /**
   * Class probabilities [count, classes, size, size] of {@code count} views (inference mode): a
   * softmax over the class axis, for a graph of several classes (the canal segmenter).
   */
  public float[] classProbabilities(float[] views, int count, int size) {
    return inference(views, count, size, true);
  }

  private float[] inference(float[] views, int count, int size, boolean softmax) {
    if (views.length != count * size * size) {
      throw new IllegalArgumentException(
          views.length + " values for " + count + " views of " + size + " x " + size);
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.create(views, new Shape(count, 1, size, size));
      NDArray logits = forward(x, false);
      return (softmax ? logits.softmax(1) : Activation.sigmoid(logits)).toFloatArray();
    }
  }

  /** A copy of every parameter's values by name, in graph order. */
  public Map<String, float[]> snapshot() {
    Map<String, float[]> out = new LinkedHashMap<>();
    parameters.forEach((name, a) -> out.put(name, a.toFloatArray()));
    return out;
  }

  /** Overwrites every parameter with {@code values} (same names and sizes). */
  public void load(Map<String, float[]> values) {
    parameters.forEach(
        (name, a) -> {
          float[] v = values.get(name);
          if (v == null || v.length != a.size()) {
            throw new IllegalArgumentException("parameter " + name + " missing or mis-sized");
          }
          a.set(v);
        });
  }

  private NDArray p(String name) {
    NDArray a = parameters.get(name);
    if (a == null) {
      throw new IllegalStateException("no parameter " + name);
    }
    return a;
  }

  @Override
  public void close() {
    manager.close();
  }
}
