package io.cordwatch.infer;

import static io.cordwatch.infer.TinyOnnx.concat;
import static io.cordwatch.infer.TinyOnnx.field;
import static io.cordwatch.infer.TinyOnnx.utf8;
import static io.cordwatch.infer.TinyOnnx.valueInfo;
import static io.cordwatch.infer.TinyOnnx.varintField;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    return TinyOnnx.writeModel(file, graph, Bundles.LOCALIZER_METADATA_KEY, metadataJson);
  }

  static byte[] scalar(String name, float value) {
    byte[] raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
    return concat(varintField(2, 1), field(8, utf8(name)), field(9, raw));
  }

  static byte[] node(String[] in, String out, String name, String op) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String i : in) {
      b.writeBytes(field(1, utf8(i)));
    }
    b.writeBytes(field(2, utf8(out)));
    b.writeBytes(field(3, utf8(name)));
    b.writeBytes(field(4, utf8(op)));
    return b.toByteArray();
  }
}
