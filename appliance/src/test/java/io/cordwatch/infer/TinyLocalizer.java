package io.cordwatch.infer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a real, if simple-minded, canal localizer as ONNX for tests that cannot use the trainer
 * (the appliance does not depend on it): it returns its view unchanged ({@code box_probability =
 * min(view, 1)}). On a slice that is bright inside a rectangle and dark elsewhere, a view in unit
 * range is the rectangle's coverage, which is what a trained localizer returns for the canal box;
 * so this model runs through ONNX Runtime, {@link OnnxLocalizer} and {@code CanalLocator} exactly
 * as a trained one and finds such a rectangle to the pixel. The protobuf is encoded by hand, as in
 * {@link TinyOnnx}.
 */
public final class TinyLocalizer {
  private TinyLocalizer() {}

  /** The pass-through localizer for views of {@code size}, with {@code spec} in its metadata. */
  public static Path passThrough(Path file, int size, LocalizerSpec spec) throws IOException {
    return write(
        file,
        LocalizerSpec.BOX_PROBABILITY,
        spec == null ? null : Bundles.localizerSpecJson(spec),
        0,
        1,
        size,
        size);
  }

  /**
   * The same graph with any output name, metadata and input dims (0 = dynamic "N"), to test the
   * layout checks.
   */
  public static Path write(Path file, String outputName, String metadataJson, long... inputDims)
      throws IOException {
    byte[] min = node(new String[] {"view", "one"}, outputName, "min", "Min");
    byte[] graph =
        concat(
            field(1, min),
            field(2, utf8("tiny-localizer")),
            field(5, scalar("one", 1f)),
            field(11, valueInfo("view", inputDims)),
            field(12, valueInfo(outputName, inputDims)));
    byte[] opset = concat(field(1, new byte[0]), varintField(2, 13));
    byte[] model = concat(varintField(1, 7), field(7, graph), field(8, opset));
    if (metadataJson != null) {
      model =
          concat(
              model,
              field(
                  14,
                  concat(
                      field(1, utf8(Bundles.LOCALIZER_METADATA_KEY)),
                      field(2, utf8(metadataJson)))));
    }
    Files.write(file, model);
    return file;
  }

  private static byte[] scalar(String name, float value) {
    byte[] raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
    return concat(varintField(2, 1), field(8, utf8(name)), field(9, raw));
  }

  private static byte[] node(String[] in, String out, String name, String op) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String i : in) {
      b.writeBytes(field(1, utf8(i)));
    }
    b.writeBytes(field(2, utf8(out)));
    b.writeBytes(field(3, utf8(name)));
    b.writeBytes(field(4, utf8(op)));
    return b.toByteArray();
  }

  private static byte[] valueInfo(String name, long... dims) {
    ByteArrayOutputStream shape = new ByteArrayOutputStream();
    for (long d : dims) {
      byte[] dim = d > 0 ? varintField(1, d) : field(2, utf8("N"));
      shape.writeBytes(field(1, dim));
    }
    byte[] tensor = concat(varintField(1, 1), field(2, shape.toByteArray()));
    return concat(field(1, utf8(name)), field(2, field(1, tensor)));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] field(int number, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, ((long) number << 3) | 2);
    varint(out, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static byte[] varintField(int number, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, (long) number << 3);
    varint(out, value);
    return out.toByteArray();
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
