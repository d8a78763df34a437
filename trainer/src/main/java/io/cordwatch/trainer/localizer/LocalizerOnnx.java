package io.cordwatch.trainer.localizer;

import static io.cordwatch.trainer.model.OnnxProto.ENTRY_KEY;
import static io.cordwatch.trainer.model.OnnxProto.ENTRY_VALUE;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_INITIALIZER;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_INPUT;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_NAME;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_NODE;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_OUTPUT;
import static io.cordwatch.trainer.model.OnnxProto.MODEL_GRAPH;
import static io.cordwatch.trainer.model.OnnxProto.MODEL_METADATA_PROPS;
import static io.cordwatch.trainer.model.OnnxProto.integer;
import static io.cordwatch.trainer.model.OnnxProto.ints;
import static io.cordwatch.trainer.model.OnnxProto.string;
import static io.cordwatch.trainer.model.OnnxProto.valueInfo;

import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.trainer.model.OnnxProto;
import io.cordwatch.trainer.model.OnnxWriter;
import io.cordwatch.trainer.model.ProtoMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a trained {@link LocalizerGraph} as the ONNX graph a bundle's {@code localizer} entry
 * names, with the same hand-rolled protobuf encoding as the backbone's {@link OnnxWriter} (see its
 * class comment for why we do not use generated classes).
 *
 * <p>The graph: input {@value LocalizerGraph#INPUT} float [N, 1, V, V], output {@value
 * LocalizerSpec#BOX_PROBABILITY} float [N, 1, V, V] (a Sigmoid after the head's logits). Each
 * convolution's batch norm is folded into it ({@link OnnxWriter#fold}), so the nodes are Conv,
 * Relu, MaxPool, Resize (nearest, asymmetric, floor: a 2x repeat), Add and Sigmoid, all of opset 17
 * with explicit attributes. Node and initializer names are the graph's tensor names ({@code
 * enc2.conv1.weight}, {@code enc2.conv1.bias}); the nodes' outputs carry the node names.
 *
 * <p>{@link #write(LocalizerGraph, Map, int, Head, Path)} writes the same graph with several
 * classes and a Softmax over them instead: the canal segmenter ({@code
 * io.cordwatch.trainer.segment.SegmenterOnnx}).
 *
 * <p>The {@link LocalizerSpec} the network was trained with travels in the model's {@code
 * metadata_props} under {@value Bundles#LOCALIZER_METADATA_KEY} (as the JSON object bundle.json
 * holds), so {@code cordwatch bundle add-localizer} can put the file into a bundle without the
 * numbers being typed again.
 */
public final class LocalizerOnnx {
  private LocalizerOnnx() {}

  /**
   * Writes the network with {@code weights} (running statistics included) for views of {@code
   * spec.inputSize()}.
   *
   * @return the number of bytes written
   */
  public static long write(
      LocalizerGraph graph, Map<String, float[]> weights, LocalizerSpec spec, Path file)
      throws IOException {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(spec, "spec");
    if (graph.classes() != 1) {
      throw new IllegalArgumentException(
          "a localizer has one logit per view pixel, this graph has " + graph.classes());
    }
    return write(
        graph,
        weights,
        spec.inputSize(),
        new Head(
            "cordwatch-localizer",
            "Sigmoid",
            LocalizerSpec.BOX_PROBABILITY,
            "CordWatch spinal-canal localizer: U-Net of width "
                + graph.width()
                + ", box probability per view pixel, batch norm folded into conv",
            Bundles.LOCALIZER_METADATA_KEY,
            Bundles.localizerSpecJson(spec)),
        file);
  }

  /**
   * How a graph's logits leave it, and what the file says about itself.
   *
   * @param graphName the graph's name
   * @param op "Sigmoid" (one probability per logit) or "Softmax" (over the class axis)
   * @param output the output tensor's name
   * @param description the model's doc string
   * @param metadataKey the {@code metadata_props} key the spec travels under
   * @param metadataJson the spec, as JSON
   */
  public record Head(
      String graphName,
      String op,
      String output,
      String description,
      String metadataKey,
      String metadataJson) {
    public Head {
      if (!op.equals("Sigmoid") && !op.equals("Softmax")) {
        throw new IllegalArgumentException("the head is Sigmoid or Softmax, not " + op);
      }
    }
  }

  /**
   * Writes any {@link LocalizerGraph} (the localizer, or the canal segmenter with several classes)
   * for views of {@code v} pixels, its logits through {@code head}.
   *
   * @return the number of bytes written
   */
  public static long write(
      LocalizerGraph graph, Map<String, float[]> weights, int v, Head head, Path file)
      throws IOException {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(head, "head");
    ProtoMessage g = new ProtoMessage().string(GRAPH_NAME, head.graphName());
    for (LocalizerGraph.Node node : graph.nodes()) {
      switch (node) {
        case LocalizerGraph.ConvBnRelu c -> {
          OnnxWriter.Folded f =
              OnnxWriter.fold(
                  get(weights, c.name() + ".weight"),
                  get(weights, c.name() + ".gamma"),
                  get(weights, c.name() + ".beta"),
                  get(weights, c.name() + ".running_mean"),
                  get(weights, c.name() + ".running_var"),
                  LocalizerGraph.BN_EPS);
          initializer(g, c.name() + ".weight", f.weight(), c.out(), c.in(), 3, 3);
          initializer(g, c.name() + ".bias", f.bias(), c.out());
          int d = c.dilation();
          node(
              g,
              "Conv",
              c.name() + ".conv",
              List.of(c.input(), c.name() + ".weight", c.name() + ".bias"),
              c.name() + ".conv",
              ints("kernel_shape", 3, 3),
              ints("strides", 1, 1),
              ints("pads", d, d, d, d),
              ints("dilations", d, d),
              integer("group", 1));
          node(g, "Relu", c.name(), List.of(c.name() + ".conv"), c.name());
        }
        case LocalizerGraph.MaxPool m ->
            node(
                g,
                "MaxPool",
                m.name(),
                List.of(m.input()),
                m.name(),
                ints("kernel_shape", 2, 2),
                ints("strides", 2, 2),
                ints("pads", 0, 0, 0, 0));
        case LocalizerGraph.Up u -> {
          initializer(
              g, u.name() + ".weight", get(weights, u.name() + ".weight"), u.out(), u.in(), 1, 1);
          initializer(g, u.name() + ".bias", get(weights, u.name() + ".bias"), u.out());
          initializer(g, u.name() + ".scales", new float[] {1, 1, 2, 2}, 4);
          node(
              g,
              "Conv",
              u.name() + ".conv",
              List.of(u.input(), u.name() + ".weight", u.name() + ".bias"),
              u.name() + ".conv",
              ints("kernel_shape", 1, 1),
              ints("strides", 1, 1),
              ints("pads", 0, 0, 0, 0),
              ints("dilations", 1, 1),
              integer("group", 1));
          // Output pixel i takes input pixel floor(i / 2): each value repeated 2 x 2, as DJL's
          // repeat does. (No roi input: "" marks an omitted optional input.)
          node(
              g,
              "Resize",
              u.name(),
              List.of(u.name() + ".conv", "", u.name() + ".scales"),
              u.name(),
              string("mode", "nearest"),
              string("coordinate_transformation_mode", "asymmetric"),
              string("nearest_mode", "floor"));
        }
        case LocalizerGraph.Add a -> node(g, "Add", a.name(), List.of(a.a(), a.b()), a.name());
        case LocalizerGraph.Head h -> {
          initializer(
              g, h.name() + ".weight", get(weights, h.name() + ".weight"), h.out(), h.in(), 1, 1);
          initializer(g, h.name() + ".bias", get(weights, h.name() + ".bias"), h.out());
          node(
              g,
              "Conv",
              h.name(),
              List.of(h.input(), h.name() + ".weight", h.name() + ".bias"),
              h.name(),
              ints("kernel_shape", 1, 1),
              ints("strides", 1, 1),
              ints("pads", 0, 0, 0, 0),
              ints("dilations", 1, 1),
              integer("group", 1));
        }
      }
    }
    if (head.op().equals("Softmax")) {
      node(g, "Softmax", "softmax", List.of(graph.output()), head.output(), integer("axis", 1));
    } else {
      node(g, "Sigmoid", "sigmoid", List.of(graph.output()), head.output());
    }
    g.message(GRAPH_INPUT, valueInfo(LocalizerGraph.INPUT, 1, v, v));
    g.message(GRAPH_OUTPUT, valueInfo(head.output(), graph.classes(), v, v));

    byte[] model =
        OnnxProto.modelHeader(head.description())
            .message(MODEL_GRAPH, g)
            .message(
                MODEL_METADATA_PROPS,
                new ProtoMessage()
                    .string(ENTRY_KEY, head.metadataKey())
                    .string(ENTRY_VALUE, head.metadataJson()))
            .toByteArray();
    Files.write(file, model);
    return model.length;
  }

  private static float[] get(Map<String, float[]> weights, String name) {
    float[] v = weights.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no weights for " + name);
    }
    return v;
  }

  private static void node(
      ProtoMessage graph,
      String op,
      String name,
      List<String> inputs,
      String output,
      ProtoMessage... attributes) {
    graph.message(GRAPH_NODE, OnnxProto.node(op, name, inputs, output, attributes));
  }

  private static void initializer(ProtoMessage graph, String name, float[] values, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          name + " has " + values.length + " values, its shape needs " + n);
    }
    graph.message(GRAPH_INITIALIZER, OnnxProto.floatTensor(name, values, dims));
  }
}
