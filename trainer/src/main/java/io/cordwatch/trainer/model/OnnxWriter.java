package io.cordwatch.trainer.model;

import static io.cordwatch.trainer.model.OnnxProto.DATA_TYPE_FLOAT;
import static io.cordwatch.trainer.model.OnnxProto.DATA_TYPE_FLOAT16;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_INITIALIZER;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_INPUT;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_NAME;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_NODE;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_OUTPUT;
import static io.cordwatch.trainer.model.OnnxProto.MODEL_GRAPH;
import static io.cordwatch.trainer.model.OnnxProto.integer;
import static io.cordwatch.trainer.model.OnnxProto.ints;
import static io.cordwatch.trainer.model.OnnxProto.valueInfo;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes a {@link LayerSpec} with its {@link Weights} as the ONNX backbone a model bundle carries.
 *
 * <p><b>Why our own writer.</b> The usual route, torch.onnx, needs Python, and the Java route,
 * classes generated from onnx.proto, needs onnx.proto and protoc at build time; the appliance is
 * built offline from Maven Central alone. An inference graph of a ResNet uses six operators and the
 * ONNX model format is a handful of protobuf messages, so we encode them directly with
 * protobuf-java's {@link CodedOutputStream} and the field numbers of the ONNX IR specification. The
 * writer is small enough to read in one sitting and is proven the only way that matters: ONNX
 * Runtime loads the file and reproduces {@link ReferenceForward} (OnnxWriterTest).
 *
 * <p><b>Why folding.</b> At inference a batch norm is a fixed per-channel affine map, so it folds
 * into the convolution before it. Per output channel o, with {@code s = gamma[o] / sqrt(var[o] +
 * eps)}: {@code W'[o] = W[o] * s} and {@code b'[o] = beta[o] - mean[o] * s}. The exported graph
 * then has a third of the nodes, no BatchNormalization for TensorRT or ORT to fuse (or fail to),
 * and the same arithmetic every engine of the appliance runs. The scale is computed in double and
 * rounded once to float.
 *
 * <p><b>One spec, several realisations.</b> The same LayerSpec will be built as DJL blocks for
 * training, with batch norm unfolded and trainable; this writer then exports the trained weights.
 * Parameter names follow torchvision, so the three agree by name, not by position.
 *
 * <p><b>The graph.</b> ir_version 8, opset 17. Input {@value #INPUT}: float [N, C, S, S] with N the
 * symbolic dimension "N" (any batch); output {@value #OUTPUT}: float [N, D]. Node names are the
 * torchvision module paths: a Conv node carries its convolution's name ({@code conv1}, {@code
 * layer2.0.conv3}, {@code layer2.0.downsample.0}) and its folded initializers are {@code
 * <name>.weight} (OIHW) and {@code <name>.bias}; the ReLU after a convolution is {@code
 * <name>.relu}; a block's residual sum is {@code <block>.add} and the ReLU after it {@code
 * <block>.relu}; then {@code maxpool} after the stem, {@code avgpool} (GlobalAveragePool) and
 * {@code flatten}. Every node's output tensor has the node's name, except the last one's, which is
 * {@value #OUTPUT}. Initializers are float32 little-endian raw_data, or float16 with a Cast node
 * each ({@link Precision#FLOAT16}).
 *
 * <p>The graph is encoded part by part and streamed to the file, so a ResNet50 (about 100 MB of
 * initializers) is never held twice in one contiguous array.
 */
public final class OnnxWriter {
  public static final String INPUT = "input";
  public static final String OUTPUT = "embedding";
  public static final long IR_VERSION = 8;
  public static final long OPSET = 17;

  /**
   * How the folded convolution weights and biases are stored. {@link #FLOAT16} halves the file (a
   * ResNet50 is about 47 MB instead of 94 MB): each initializer is stored as IEEE half precision
   * and a Cast node turns it into float32 before the Conv, so the graph's input, output and
   * arithmetic stay float32 and every engine that reads float32 graphs reads it (ONNX Runtime folds
   * the casts into constants when it loads the session). The cost is the rounding of every weight
   * to 11 significant bits.
   */
  public enum Precision {
    FLOAT32,
    FLOAT16
  }

  private final List<byte[]> graph = new ArrayList<>();
  private final Weights weights;
  private final Precision precision;

  private OnnxWriter(Weights weights, Precision precision) {
    this.weights = weights;
    this.precision = precision;
  }

  /**
   * Writes the model.
   *
   * @param inputSize S, the height and width of the input (the bundle's preprocessing input size)
   * @return the number of bytes written
   */
  public static long write(Weights weights, int inputSize, Path file) throws IOException {
    return write(weights, inputSize, file, Precision.FLOAT32);
  }

  /**
   * Writes the model with its weights stored in {@code precision}.
   *
   * @param inputSize S, the height and width of the input (the bundle's preprocessing input size)
   * @return the number of bytes written
   */
  public static long write(Weights weights, int inputSize, Path file, Precision precision)
      throws IOException {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(file, "file");
    if (inputSize < 1) {
      throw new IllegalArgumentException("inputSize must be at least 1, got " + inputSize);
    }
    OnnxWriter writer = new OnnxWriter(weights, precision);
    writer.buildGraph(inputSize);
    return writer.writeModel(file);
  }

  /**
   * A convolution with its batch norm folded in.
   *
   * @param weight OIHW, the convolution's kernel scaled per output channel
   * @param bias one per output channel
   */
  public record Folded(float[] weight, float[] bias) {}

  /**
   * Folds an inference-mode batch norm into the convolution before it. Per output channel o:
   *
   * <pre>{@code
   * s     = gamma[o] / sqrt(var[o] + eps)
   * W'[o] = W[o] * s
   * b'[o] = beta[o] - mean[o] * s
   * }</pre>
   */
  public static Folded fold(
      float[] weight, float[] gamma, float[] beta, float[] mean, float[] variance, double eps) {
    int out = gamma.length;
    if (beta.length != out || mean.length != out || variance.length != out) {
      throw new IllegalArgumentException(
          "batch-norm tensors differ in length: gamma "
              + out
              + ", beta "
              + beta.length
              + ", mean "
              + mean.length
              + ", var "
              + variance.length);
    }
    if (out == 0 || weight.length % out != 0) {
      throw new IllegalArgumentException(
          "a kernel of " + weight.length + " floats does not split into " + out + " channels");
    }
    int perChannel = weight.length / out;
    float[] w = new float[weight.length];
    float[] b = new float[out];
    for (int o = 0; o < out; o++) {
      double s = gamma[o] / Math.sqrt(variance[o] + eps);
      for (int i = o * perChannel; i < (o + 1) * perChannel; i++) {
        w[i] = (float) (weight[i] * s);
      }
      b[o] = (float) (beta[o] - mean[o] * s);
    }
    return new Folded(w, b);
  }

  private void buildGraph(int inputSize) {
    LayerSpec spec = weights.spec();
    graph.add(new ProtoMessage().string(GRAPH_NAME, "cordwatch-backbone").toByteArray());
    graph.add(valueInfo(INPUT, spec.inputChannels(), inputSize, inputSize).asField(GRAPH_INPUT));
    graph.add(valueInfo(OUTPUT, spec.embeddingWidth()).asField(GRAPH_OUTPUT));

    String x = relu(conv(spec.stem(), INPUT), spec.stem().name() + ".relu");
    x =
        node(
            "MaxPool",
            "maxpool",
            List.of(x),
            ints("kernel_shape", LayerSpec.POOL_KERNEL, LayerSpec.POOL_KERNEL),
            ints("strides", LayerSpec.POOL_STRIDE, LayerSpec.POOL_STRIDE),
            ints(
                "pads",
                LayerSpec.POOL_PADDING,
                LayerSpec.POOL_PADDING,
                LayerSpec.POOL_PADDING,
                LayerSpec.POOL_PADDING));
    for (LayerSpec.Block b : spec.blocks()) {
      String y = relu(conv(b.reduce(), x), b.reduce().name() + ".relu");
      y = relu(conv(b.spatial(), y), b.spatial().name() + ".relu");
      y = conv(b.expand(), y);
      String shortcut = b.downsample() != null ? conv(b.downsample(), x) : x;
      x = relu(node("Add", b.name() + ".add", List.of(y, shortcut)), b.name() + ".relu");
    }
    x = node("GlobalAveragePool", "avgpool", List.of(x));
    nodeWithOutput("Flatten", "flatten", List.of(x), OUTPUT, integer("axis", 1));
  }

  private String conv(LayerSpec.Conv c, String input) {
    Folded f =
        fold(
            weights.get(c.weightName()),
            weights.get(c.gammaName()),
            weights.get(c.betaName()),
            weights.get(c.meanName()),
            weights.get(c.varianceName()),
            weights.eps());
    String w = c.name() + ".weight";
    String b = c.name() + ".bias";
    constant(w, f.weight(), c.outChannels(), c.inChannels(), c.kernel(), c.kernel());
    constant(b, f.bias(), c.outChannels());
    int p = c.padding();
    return node(
        "Conv",
        c.name(),
        List.of(input, w, b),
        ints("kernel_shape", c.kernel(), c.kernel()),
        ints("strides", c.stride(), c.stride()),
        ints("pads", p, p, p, p),
        ints("dilations", 1, 1),
        integer("group", 1));
  }

  /**
   * A float32 constant named {@code name}: an initializer, or in {@link Precision#FLOAT16} a half
   * initializer {@code name + ".fp16"} and a Cast node whose output is {@code name}.
   */
  private void constant(String name, float[] values, long... dims) {
    if (precision == Precision.FLOAT32) {
      graph.add(initializer(name, values, dims));
      return;
    }
    String half = name + ".fp16";
    graph.add(halfInitializer(half, values, dims));
    nodeWithOutput("Cast", name + ".cast", List.of(half), name, integer("to", DATA_TYPE_FLOAT));
  }

  private String relu(String input, String name) {
    return node("Relu", name, List.of(input));
  }

  private String node(String op, String name, List<String> inputs, ProtoMessage... attributes) {
    return nodeWithOutput(op, name, inputs, name, attributes);
  }

  private String nodeWithOutput(
      String op, String name, List<String> inputs, String output, ProtoMessage... attributes) {
    graph.add(OnnxProto.node(op, name, inputs, output, attributes).asField(GRAPH_NODE));
    return output;
  }

  private static byte[] initializer(String name, float[] values, long... dims) {
    return OnnxProto.floatTensor(name, values, dims).asField(GRAPH_INITIALIZER);
  }

  private static byte[] halfInitializer(String name, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      if (Float.isFinite(v) && Math.abs(v) > 65504f) {
        throw new IllegalArgumentException(
            name + " holds " + v + ", beyond float16's range (65504); export it as float32");
      }
      raw.putShort(Float.floatToFloat16(v));
    }
    return OnnxProto.tensor(name, DATA_TYPE_FLOAT16, raw.array(), dims).asField(GRAPH_INITIALIZER);
  }

  private long writeModel(Path file) throws IOException {
    long graphLength = 0;
    for (byte[] part : graph) {
      graphLength += part.length;
    }
    if (graphLength > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "the graph is "
              + graphLength
              + " bytes; a protobuf message cannot exceed 2 GiB (ONNX external data is not"
              + " supported by this writer)");
    }
    LayerSpec spec = weights.spec();
    byte[] header =
        OnnxProto.modelHeader(
                "bottleneck ResNet "
                    + spec.stages()
                    + ", batch norm folded into conv, embedding width "
                    + spec.embeddingWidth())
            .toByteArray();
    try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      CodedOutputStream out = CodedOutputStream.newInstance(stream);
      out.writeRawBytes(header);
      out.writeTag(MODEL_GRAPH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag((int) graphLength);
      for (byte[] part : graph) {
        out.writeRawBytes(part);
      }
      out.flush();
      return header.length
          + CodedOutputStream.computeTagSize(MODEL_GRAPH)
          + CodedOutputStream.computeUInt32SizeNoTag((int) graphLength)
          + graphLength;
    }
  }
}
