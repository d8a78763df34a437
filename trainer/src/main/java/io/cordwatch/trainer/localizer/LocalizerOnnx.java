package io.cordwatch.trainer.localizer;

import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.trainer.model.OnnxWriter;
import io.cordwatch.trainer.model.ProtoMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * <p>The {@link LocalizerSpec} the network was trained with travels in the model's {@code
 * metadata_props} under {@value Bundles#LOCALIZER_METADATA_KEY} (as the JSON object bundle.json
 * holds), so {@code cordwatch bundle add-localizer} can put the file into a bundle without the
 * numbers being typed again.
 */
public final class LocalizerOnnx {
  // ONNX IR field numbers (onnx.proto, IR version 8).
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_PRODUCER_NAME = 2;
  private static final int MODEL_DOC_STRING = 6;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET_IMPORT = 8;
  private static final int MODEL_METADATA_PROPS = 14;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;
  private static final int OPSET_VERSION = 2;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_NAME = 2;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTRIBUTE_NAME = 1;
  private static final int ATTRIBUTE_I = 3;
  private static final int ATTRIBUTE_S = 4;
  private static final int ATTRIBUTE_INTS = 8;
  private static final int ATTRIBUTE_TYPE = 20;
  private static final int ATTRIBUTE_TYPE_INT = 2;
  private static final int ATTRIBUTE_TYPE_STRING = 3;
  private static final int ATTRIBUTE_TYPE_INTS = 7;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  private static final int DATA_TYPE_FLOAT = 1;
  private static final int VALUE_INFO_NAME = 1;
  private static final int VALUE_INFO_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TYPE_TENSOR_ELEM_TYPE = 1;
  private static final int TYPE_TENSOR_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;

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
    int v = spec.inputSize();
    ProtoMessage g = new ProtoMessage().string(GRAPH_NAME, "cordwatch-localizer");
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
          initializer(g, h.name() + ".weight", get(weights, h.name() + ".weight"), 1, h.in(), 1, 1);
          initializer(g, h.name() + ".bias", get(weights, h.name() + ".bias"), 1);
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
    node(g, "Sigmoid", "sigmoid", List.of(graph.output()), LocalizerSpec.BOX_PROBABILITY);
    g.message(GRAPH_INPUT, valueInfo(LocalizerGraph.INPUT, 1, v, v));
    g.message(GRAPH_OUTPUT, valueInfo(LocalizerSpec.BOX_PROBABILITY, 1, v, v));

    byte[] model =
        new ProtoMessage()
            .int64(MODEL_IR_VERSION, OnnxWriter.IR_VERSION)
            .string(MODEL_PRODUCER_NAME, "cordwatch-trainer")
            .string(
                MODEL_DOC_STRING,
                "CordWatch spinal-canal localizer: U-Net of width "
                    + graph.width()
                    + ", box probability per view pixel, batch norm folded into conv")
            .message(MODEL_OPSET_IMPORT, new ProtoMessage().int64(OPSET_VERSION, OnnxWriter.OPSET))
            .message(MODEL_GRAPH, g)
            .message(
                MODEL_METADATA_PROPS,
                new ProtoMessage()
                    .string(ENTRY_KEY, Bundles.LOCALIZER_METADATA_KEY)
                    .string(ENTRY_VALUE, Bundles.localizerSpecJson(spec)))
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
    ProtoMessage node = new ProtoMessage();
    for (String in : inputs) {
      node.string(NODE_INPUT, in);
    }
    node.string(NODE_OUTPUT, output).string(NODE_NAME, name).string(NODE_OP_TYPE, op);
    for (ProtoMessage a : attributes) {
      node.message(NODE_ATTRIBUTE, a);
    }
    graph.message(GRAPH_NODE, node);
  }

  private static ProtoMessage ints(String name, long... values) {
    return new ProtoMessage()
        .string(ATTRIBUTE_NAME, name)
        .int64s(ATTRIBUTE_INTS, values)
        .int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INTS);
  }

  private static ProtoMessage string(String name, String value) {
    return new ProtoMessage()
        .string(ATTRIBUTE_NAME, name)
        .bytes(ATTRIBUTE_S, value.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_STRING);
  }

  private static ProtoMessage integer(String name, long value) {
    return new ProtoMessage()
        .string(ATTRIBUTE_NAME, name)
        .int64(ATTRIBUTE_I, value)
        .int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
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
    ByteBuffer raw =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    graph.message(
        GRAPH_INITIALIZER,
        new ProtoMessage()
            .int64s(TENSOR_DIMS, dims)
            .int64(TENSOR_DATA_TYPE, DATA_TYPE_FLOAT)
            .string(TENSOR_NAME, name)
            .bytes(TENSOR_RAW_DATA, raw.array()));
  }

  /** A float tensor's name and shape; the first dimension is the symbolic batch "N". */
  private static ProtoMessage valueInfo(String name, long... fixedDims) {
    ProtoMessage shape = new ProtoMessage();
    shape.message(SHAPE_DIM, new ProtoMessage().string(DIM_PARAM, "N"));
    for (long d : fixedDims) {
      shape.message(SHAPE_DIM, new ProtoMessage().int64(DIM_VALUE, d));
    }
    ProtoMessage tensor =
        new ProtoMessage()
            .int64(TYPE_TENSOR_ELEM_TYPE, DATA_TYPE_FLOAT)
            .message(TYPE_TENSOR_SHAPE, shape);
    return new ProtoMessage()
        .string(VALUE_INFO_NAME, name)
        .message(VALUE_INFO_TYPE, new ProtoMessage().message(TYPE_TENSOR, tensor));
  }
}
