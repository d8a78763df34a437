package io.cordwatch.infer;

import static io.cordwatch.infer.TinyOnnx.concat;
import static io.cordwatch.infer.TinyOnnx.field;
import static io.cordwatch.infer.TinyOnnx.utf8;
import static io.cordwatch.infer.TinyOnnx.valueInfo;
import static io.cordwatch.infer.TinyOnnx.varintField;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a real, if simple-minded, two-class canal segmenter as ONNX for tests that cannot use the
 * trainer: classes {@code rest} and {@code tumour}, with P(tumour) = min(view, 1) and P(rest) = 1 -
 * P(tumour). On a slice that is bright where "tumour" is and dark elsewhere, it calls the bright
 * pixels tumour, so a test knows the area the appliance must measure. Encoded by hand as {@link
 * TinyOnnx} and {@link TinyLocalizer} are.
 */
public final class TinySegmenter {
  private TinySegmenter() {}

  /** The metadata the trainer would store for views of {@code size} (no veto threshold). */
  public static String metadata(int size) {
    return "{\"input_size\":"
        + size
        + ",\"context\":2.0,\"classes\":[\"rest\",\"tumour\"],\"window_low_percentile\":0.5,"
        + "\"window_high_percentile\":99.5}";
  }

  /** The two-class segmenter for views of {@code size}, with {@code metadataJson} (null: none). */
  public static Path write(Path file, int size, String metadataJson) throws IOException {
    long[] in = {0, 1, size, size};
    long[] out = {0, 2, size, size};
    byte[] graph =
        concat(
            field(1, TinyLocalizer.node(new String[] {"view", "one"}, "tumour", "min", "Min")),
            field(1, TinyLocalizer.node(new String[] {"one", "tumour"}, "rest", "sub", "Sub")),
            field(
                1,
                concat(
                    TinyLocalizer.node(
                        new String[] {"rest", "tumour"},
                        SegmenterSpec.TISSUE_PROBABILITY,
                        "concat",
                        "Concat"),
                    // attribute axis = 1 (an INT attribute)
                    field(
                        5, concat(field(1, utf8("axis")), varintField(3, 1), varintField(20, 2))))),
            field(2, utf8("tiny-segmenter")),
            field(5, TinyLocalizer.scalar("one", 1f)),
            field(11, valueInfo("view", in)),
            field(12, valueInfo(SegmenterSpec.TISSUE_PROBABILITY, out)));
    return TinyOnnx.writeModel(file, graph, Bundles.SEGMENTER_METADATA_KEY, metadataJson);
  }
}
