package io.cordwatch.trainer.model;

import static io.cordwatch.trainer.model.OnnxProto.GRAPH_INITIALIZER;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_INPUT;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_NAME;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_NODE;
import static io.cordwatch.trainer.model.OnnxProto.GRAPH_OUTPUT;
import static io.cordwatch.trainer.model.OnnxProto.MODEL_GRAPH;
import static io.cordwatch.trainer.model.OnnxProto.MODEL_IR_VERSION;
import static io.cordwatch.trainer.model.OnnxProto.MODEL_OPSET_IMPORT;
import static io.cordwatch.trainer.model.OnnxProto.MODEL_PRODUCER_NAME;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Joins several backbone graphs into one ONNX model that runs them side by side on the same input
 * and concatenates their embeddings, each multiplied by {@code 1 / sqrt(M)} for M members.
 *
 * <p><b>Why that scale.</b> With the members' prototypes concatenated and scaled the same way, the
 * squared distance the prototype head computes is the mean of the members' squared distances, so
 * the head's softmax over {@code -d / T} is the softmax of the mean of the members' logits: the
 * normalised geometric mean of their probabilities. Nothing in the appliance changes; an ensemble
 * is an ordinary bundle with a wider embedding.
 *
 * <p><b>How.</b> The members' ModelProto messages are read field by field with protobuf-java's
 * {@link CodedInputStream} (the same field numbers {@link OnnxProto} writes) and copied, with every
 * tensor and node name of member i prefixed {@code m<i>/} so the graphs cannot collide, and each
 * member's input renamed to the shared {@value OnnxWriter#INPUT}. Any graph the appliance can load
 * as a backbone qualifies (ours or a torch export), as long as it is a plain graph: one input, one
 * output, no subgraph attributes (If, Loop, Scan), no sparse initializers, and the members agree on
 * their opset imports and input shape. What does not qualify is refused naming the member and the
 * reason.
 */
public final class OnnxEnsemble {
  /** The initializer holding {@code 1 / sqrt(M)}. */
  public static final String SCALE = "ensemble.scale";

  // GraphProto fields beyond those OnnxProto names.
  private static final int GRAPH_DOC_STRING = 10;
  private static final int GRAPH_VALUE_INFO = 13;
  // NodeProto, AttributeProto, TensorProto, ValueInfoProto.
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTRIBUTE_GRAPH = 6;
  private static final int ATTRIBUTE_GRAPHS = 11;
  private static final int TENSOR_NAME = 8;
  private static final int VALUE_INFO_NAME = 1;

  private OnnxEnsemble() {}

  /** One member graph, taken apart: its fields already renamed, ready to be written again. */
  private record Member(
      long irVersion, List<byte[]> opsets, List<byte[]> graphFields, byte[] input, String output) {}

  /**
   * Writes the ensemble of {@code members} (ONNX files) to {@code out}.
   *
   * @param widths each member's embedding width, in order (the bundles state them)
   * @return the number of bytes written
   * @throws IllegalArgumentException naming the member that cannot join, and why
   */
  public static long write(List<Path> members, int[] widths, Path out) throws IOException {
    if (members.size() < 2) {
      throw new IllegalArgumentException("an ensemble needs at least two members");
    }
    if (widths.length != members.size()) {
      throw new IllegalArgumentException(
          widths.length + " widths for " + members.size() + " members");
    }
    List<Member> parsed = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      String prefix = "m" + i + "/";
      try {
        parsed.add(parse(Files.readAllBytes(members.get(i)), prefix));
      } catch (IllegalArgumentException | IOException e) {
        throw new IllegalArgumentException(
            "ensemble member " + (i + 1) + " (" + members.get(i) + "): " + e.getMessage(), e);
      }
    }
    Member first = parsed.get(0);
    long ir = 0;
    for (int i = 0; i < parsed.size(); i++) {
      Member m = parsed.get(i);
      if (!sameBytes(m.opsets(), first.opsets())) {
        throw new IllegalArgumentException(
            "ensemble member " + (i + 1) + " imports other opsets than member 1");
      }
      if (!Arrays.equals(m.input(), first.input())) {
        throw new IllegalArgumentException(
            "ensemble member " + (i + 1) + "'s input (type or shape) differs from member 1's");
      }
      ir = Math.max(ir, m.irVersion());
    }
    int total = 0;
    for (int w : widths) {
      if (w < 1) {
        throw new IllegalArgumentException("embedding width " + w);
      }
      total += w;
    }

    List<byte[]> graph = new ArrayList<>();
    graph.add(new ProtoMessage().string(GRAPH_NAME, "cordwatch-ensemble").toByteArray());
    float scale = (float) (1 / Math.sqrt(members.size()));
    graph.add(OnnxProto.floatTensor(SCALE, new float[] {scale}).asField(GRAPH_INITIALIZER));
    List<String> scaled = new ArrayList<>();
    for (int i = 0; i < parsed.size(); i++) {
      graph.addAll(parsed.get(i).graphFields());
      String s = "m" + i + "/scaled";
      graph.add(
          OnnxProto.node("Mul", s, List.of(parsed.get(i).output(), SCALE), s).asField(GRAPH_NODE));
      scaled.add(s);
    }
    graph.add(
        OnnxProto.node(
                "Concat",
                "ensemble.concat",
                scaled,
                OnnxWriter.OUTPUT,
                OnnxProto.integer("axis", 1))
            .asField(GRAPH_NODE));
    graph.add(first.input());
    graph.add(OnnxProto.valueInfo(OnnxWriter.OUTPUT, total).asField(GRAPH_OUTPUT));

    long graphBytes = 0;
    for (byte[] part : graph) {
      graphBytes += part.length;
    }
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
      CodedOutputStream cos = CodedOutputStream.newInstance(os, 1 << 16);
      cos.writeInt64(MODEL_IR_VERSION, ir);
      cos.writeString(MODEL_PRODUCER_NAME, "cordwatch-trainer ensemble");
      for (byte[] opset : first.opsets()) {
        cos.writeByteArray(MODEL_OPSET_IMPORT, opset);
      }
      cos.writeTag(MODEL_GRAPH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      cos.writeUInt64NoTag(graphBytes);
      for (byte[] part : graph) {
        cos.writeRawBytes(part);
      }
      cos.flush();
    }
    return Files.size(out);
  }

  private static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static Member parse(byte[] model, String prefix) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(model);
    in.setSizeLimit(Integer.MAX_VALUE);
    long ir = 0;
    List<byte[]> opsets = new ArrayList<>();
    byte[] graph = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == MODEL_IR_VERSION && WireFormat.getTagWireType(tag) == 0) {
        ir = in.readInt64();
      } else if (field == MODEL_OPSET_IMPORT) {
        opsets.add(in.readByteArray());
      } else if (field == MODEL_GRAPH) {
        graph = in.readByteArray();
      } else {
        in.skipField(tag);
      }
    }
    if (graph == null) {
      throw new IllegalArgumentException("not an ONNX model (no graph)");
    }
    return graph(graph, prefix, ir, opsets);
  }

  private static Member graph(byte[] graph, String prefix, long ir, List<byte[]> opsets)
      throws IOException {
    // First pass: the initializers' names, so that graph inputs that merely declare an
    // initializer (older exporters) are not taken for the real input.
    Set<String> initializers = new HashSet<>();
    List<String> inputs = new ArrayList<>();
    List<byte[]> inputFields = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(graph);
    in.setSizeLimit(Integer.MAX_VALUE);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      switch (field) {
        case GRAPH_INITIALIZER -> initializers.add(stringField(in.readByteArray(), TENSOR_NAME));
        case GRAPH_INPUT -> {
          byte[] v = in.readByteArray();
          inputs.add(stringField(v, VALUE_INFO_NAME));
          inputFields.add(v);
        }
        case GRAPH_OUTPUT -> outputs.add(stringField(in.readByteArray(), VALUE_INFO_NAME));
        case GRAPH_NODE, GRAPH_NAME, GRAPH_DOC_STRING, GRAPH_VALUE_INFO -> in.skipField(tag);
        default ->
            throw new IllegalArgumentException(
                "graph field " + field + " is not supported in an ensemble member");
      }
    }
    String input = null;
    byte[] inputInfo = null;
    for (int i = 0; i < inputs.size(); i++) {
      if (!initializers.contains(inputs.get(i))) {
        if (input != null) {
          throw new IllegalArgumentException("more than one graph input");
        }
        input = inputs.get(i);
        inputInfo = inputFields.get(i);
      }
    }
    if (input == null) {
      throw new IllegalArgumentException("no graph input");
    }
    if (outputs.size() != 1) {
      throw new IllegalArgumentException(outputs.size() + " graph outputs, expected one");
    }
    String realInput = input;
    UnaryOperator<String> rename =
        n -> n.isEmpty() ? n : n.equals(realInput) ? OnnxWriter.INPUT : prefix + n;

    List<byte[]> fields = new ArrayList<>();
    in = CodedInputStream.newInstance(graph);
    in.setSizeLimit(Integer.MAX_VALUE);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      switch (field) {
        case GRAPH_NODE -> fields.add(field(GRAPH_NODE, node(in.readByteArray(), rename)));
        case GRAPH_INITIALIZER ->
            fields.add(
                field(GRAPH_INITIALIZER, renamed(in.readByteArray(), Set.of(TENSOR_NAME), rename)));
        case GRAPH_VALUE_INFO -> {
          byte[] v = renamed(in.readByteArray(), Set.of(VALUE_INFO_NAME), rename);
          if (!stringField(v, VALUE_INFO_NAME).equals(OnnxWriter.INPUT)) {
            fields.add(field(GRAPH_VALUE_INFO, v));
          }
        }
        default -> in.skipField(tag);
      }
    }
    byte[] sharedInput = field(GRAPH_INPUT, renamed(inputInfo, Set.of(VALUE_INFO_NAME), rename));
    return new Member(ir, opsets, fields, sharedInput, rename.apply(outputs.get(0)));
  }

  /** A NodeProto with its inputs, outputs and name renamed; subgraph attributes are refused. */
  private static byte[] node(byte[] node, UnaryOperator<String> rename) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(node);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) != NODE_ATTRIBUTE) {
        in.skipField(tag);
        continue;
      }
      CodedInputStream a = CodedInputStream.newInstance(in.readByteArray());
      for (int at = a.readTag(); at != 0; at = a.readTag()) {
        int f = WireFormat.getTagFieldNumber(at);
        if (f == ATTRIBUTE_GRAPH || f == ATTRIBUTE_GRAPHS) {
          throw new IllegalArgumentException(
              "node " + stringField(node, NODE_NAME) + " holds a subgraph (If, Loop or Scan)");
        }
        a.skipField(at);
      }
    }
    return renamed(node, Set.of(NODE_INPUT, NODE_OUTPUT, NODE_NAME), rename);
  }

  /** The message with its string fields {@code names} passed through {@code rename}. */
  private static byte[] renamed(byte[] message, Set<Integer> names, UnaryOperator<String> rename)
      throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(message);
    in.setSizeLimit(Integer.MAX_VALUE);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.length + 64);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (names.contains(field)
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        out.writeString(field, rename.apply(in.readString()));
      } else {
        copy(in, tag, out);
      }
    }
    out.flush();
    return bytes.toByteArray();
  }

  /** Copies one field, its tag read already, unchanged. */
  private static void copy(CodedInputStream in, int tag, CodedOutputStream out) throws IOException {
    int field = WireFormat.getTagFieldNumber(tag);
    switch (WireFormat.getTagWireType(tag)) {
      case WireFormat.WIRETYPE_VARINT -> out.writeUInt64(field, in.readUInt64());
      case WireFormat.WIRETYPE_FIXED64 -> out.writeFixed64(field, in.readFixed64());
      case WireFormat.WIRETYPE_LENGTH_DELIMITED -> out.writeByteArray(field, in.readByteArray());
      case WireFormat.WIRETYPE_FIXED32 -> out.writeFixed32(field, in.readFixed32());
      default ->
          throw new IllegalArgumentException(
              "field " + field + " has wire type " + WireFormat.getTagWireType(tag));
    }
  }

  /** The first string field {@code field} of a message ("" when absent). */
  private static String stringField(byte[] message, int field) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(message);
    in.setSizeLimit(Integer.MAX_VALUE);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == field
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        return in.readString();
      }
      in.skipField(tag);
    }
    return "";
  }

  private static byte[] field(int field, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 16);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(field, payload);
    out.flush();
    return bytes.toByteArray();
  }
}
