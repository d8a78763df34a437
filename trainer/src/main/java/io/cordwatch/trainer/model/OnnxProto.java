package io.cordwatch.trainer.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The ONNX messages both of the trainer's ONNX writers encode ({@link OnnxWriter} for the backbone,
 * {@code LocalizerOnnx} for the canal localizer): the field numbers of onnx.proto (IR version 8)
 * and builders for a node, its attributes, a float tensor, a tensor's value info and the model's
 * header fields. Each builder returns the message itself; the caller places it in its graph (as a
 * streamed part or an embedded field), so both writers keep their own layout and write the same
 * bytes as before they shared this.
 */
public final class OnnxProto {
  // ModelProto
  public static final int MODEL_IR_VERSION = 1;
  public static final int MODEL_PRODUCER_NAME = 2;
  public static final int MODEL_DOC_STRING = 6;
  public static final int MODEL_GRAPH = 7;
  public static final int MODEL_OPSET_IMPORT = 8;
  public static final int MODEL_METADATA_PROPS = 14;
  // StringStringEntryProto, OperatorSetIdProto
  public static final int ENTRY_KEY = 1;
  public static final int ENTRY_VALUE = 2;
  public static final int OPSET_VERSION = 2;
  // GraphProto
  public static final int GRAPH_NODE = 1;
  public static final int GRAPH_NAME = 2;
  public static final int GRAPH_INITIALIZER = 5;
  public static final int GRAPH_INPUT = 11;
  public static final int GRAPH_OUTPUT = 12;
  // TensorProto.DataType
  public static final int DATA_TYPE_FLOAT = 1;
  public static final int DATA_TYPE_FLOAT16 = 10;

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
  private static final int VALUE_INFO_NAME = 1;
  private static final int VALUE_INFO_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TYPE_TENSOR_ELEM_TYPE = 1;
  private static final int TYPE_TENSOR_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;

  private OnnxProto() {}

  /** A NodeProto: inputs, one output, name, op type, then the attributes in order. */
  public static ProtoMessage node(
      String op, String name, List<String> inputs, String output, ProtoMessage... attributes) {
    ProtoMessage node = new ProtoMessage();
    for (String in : inputs) {
      node.string(NODE_INPUT, in);
    }
    node.string(NODE_OUTPUT, output).string(NODE_NAME, name).string(NODE_OP_TYPE, op);
    for (ProtoMessage a : attributes) {
      node.message(NODE_ATTRIBUTE, a);
    }
    return node;
  }

  /** An INTS attribute. */
  public static ProtoMessage ints(String name, long... values) {
    return new ProtoMessage()
        .string(ATTRIBUTE_NAME, name)
        .int64s(ATTRIBUTE_INTS, values)
        .int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INTS);
  }

  /** An INT attribute. */
  public static ProtoMessage integer(String name, long value) {
    return new ProtoMessage()
        .string(ATTRIBUTE_NAME, name)
        .int64(ATTRIBUTE_I, value)
        .int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
  }

  /** A STRING attribute (UTF-8). */
  public static ProtoMessage string(String name, String value) {
    return new ProtoMessage()
        .string(ATTRIBUTE_NAME, name)
        .bytes(ATTRIBUTE_S, value.getBytes(StandardCharsets.UTF_8))
        .int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_STRING);
  }

  /** A TensorProto of {@code dataType} whose values are {@code raw} (little-endian raw_data). */
  public static ProtoMessage tensor(String name, int dataType, byte[] raw, long... dims) {
    return new ProtoMessage()
        .int64s(TENSOR_DIMS, dims)
        .int64(TENSOR_DATA_TYPE, dataType)
        .string(TENSOR_NAME, name)
        .bytes(TENSOR_RAW_DATA, raw);
  }

  /** A float32 TensorProto holding {@code values}. */
  public static ProtoMessage floatTensor(String name, float[] values, long... dims) {
    ByteBuffer raw =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return tensor(name, DATA_TYPE_FLOAT, raw.array(), dims);
  }

  /** A float tensor's name and shape; the first dimension is the symbolic batch "N". */
  public static ProtoMessage valueInfo(String name, long... fixedDims) {
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

  /**
   * A ModelProto's leading fields: ir_version {@link OnnxWriter#IR_VERSION}, producer
   * "cordwatch-trainer", {@code docString} and the default-domain opset {@link OnnxWriter#OPSET}.
   * The caller appends the graph (and any metadata).
   */
  public static ProtoMessage modelHeader(String docString) {
    return new ProtoMessage()
        .int64(MODEL_IR_VERSION, OnnxWriter.IR_VERSION)
        .string(MODEL_PRODUCER_NAME, "cordwatch-trainer")
        .string(MODEL_DOC_STRING, docString)
        .message(MODEL_OPSET_IMPORT, new ProtoMessage().int64(OPSET_VERSION, OnnxWriter.OPSET));
  }
}
