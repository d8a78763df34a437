package io.cordwatch.infer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes minimal ONNX graphs (GlobalAveragePool then Flatten) with any input shape, to test layout
 * checks against graphs torch would never export. Encodes the protobuf by hand: the appliance has
 * no protobuf dependency and these messages need five field types.
 */
final class TinyOnnx {
  private TinyOnnx() {}

  /**
   * A graph mapping an input of the given dims (0 = dynamic "N") to its channel means: output [N,
   * C] for an NCHW input.
   */
  static Path globalAveragePool(Path file, long... inputDims) throws IOException {
    byte[] gap = node("x", "pooled", "pool", "GlobalAveragePool");
    byte[] flatten = node("pooled", "y", "flat", "Flatten");
    byte[] graph =
        concat(
            field(1, gap),
            field(1, flatten),
            field(2, "tiny".getBytes(StandardCharsets.UTF_8)),
            field(11, valueInfo("x", inputDims)),
            field(12, valueInfo("y", 0, 0)));
    byte[] opset = concat(field(1, new byte[0]), varintField(2, 13));
    byte[] model = concat(varintField(1, 7), field(7, graph), field(8, opset));
    Files.write(file, model);
    return file;
  }

  private static byte[] node(String in, String out, String name, String op) {
    return concat(
        field(1, utf8(in)), field(2, utf8(out)), field(3, utf8(name)), field(4, utf8(op)));
  }

  static byte[] valueInfo(String name, long... dims) {
    ByteArrayOutputStream shape = new ByteArrayOutputStream();
    for (long d : dims) {
      byte[] dim = d > 0 ? varintField(1, d) : field(2, utf8("N"));
      shape.writeBytes(field(1, dim));
    }
    byte[] tensor = concat(varintField(1, 1), field(2, shape.toByteArray()));
    byte[] type = field(1, tensor);
    return concat(field(1, utf8(name)), field(2, type));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] field(int number, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, ((long) number << 3) | 2);
    varint(out, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  static byte[] varintField(int number, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, (long) number << 3);
    varint(out, value);
    return out.toByteArray();
  }

  static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * Writes a model of IR version 7 and opset 13 around {@code graph}, with {@code metadataJson}
   * under {@code key} in its metadata (none when null).
   */
  static java.nio.file.Path writeModel(
      java.nio.file.Path file, byte[] graph, String key, String metadataJson)
      throws java.io.IOException {
    byte[] opset = concat(field(1, new byte[0]), varintField(2, 13));
    byte[] model = concat(varintField(1, 7), field(7, graph), field(8, opset));
    if (metadataJson != null) {
      model = concat(model, field(14, concat(field(1, utf8(key)), field(2, utf8(metadataJson)))));
    }
    java.nio.file.Files.write(file, model);
    return file;
  }
}
