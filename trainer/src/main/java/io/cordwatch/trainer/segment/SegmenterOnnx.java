package io.cordwatch.trainer.segment;

import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.SegmenterSpec;
import io.cordwatch.trainer.localizer.LocalizerGraph;
import io.cordwatch.trainer.localizer.LocalizerOnnx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a trained canal segmenter as an ONNX graph: the localizer's writer ({@link LocalizerOnnx})
 * with a Softmax over the classes. Input {@value LocalizerGraph#INPUT} float [N, 1, V, V] (a view
 * in the localizer's unit range, centred on the canal box, {@link SegmenterTraining#CONTEXT} times
 * its larger side across), output {@value #OUTPUT} float [N, C, V, V], the probability of each
 * class of {@link SegmentData#CLASSES} per view pixel.
 *
 * <p>What a runtime needs to reproduce the views travels in the model's {@code metadata_props}
 * under {@value #METADATA_KEY}: {@code input_size}, {@code context}, {@code classes}, and the
 * window percentiles of the unit range ({@link io.cordwatch.roi.CanalLocator#unit} with the
 * localizer's defaults): the keys of {@link SegmenterSpec} but the veto threshold, which {@code
 * cordwatch bundle add-segmenter --veto-below} adds when the file goes into a bundle
 * (docs/training.md).
 */
public final class SegmenterOnnx {
  /** The output tensor. */
  public static final String OUTPUT = SegmenterSpec.TISSUE_PROBABILITY;

  /** The metadata key the spec travels under. */
  public static final String METADATA_KEY = Bundles.SEGMENTER_METADATA_KEY;

  private SegmenterOnnx() {}

  /**
   * Writes the segmenter of {@code width} with {@code weights} for views of {@code size} pixels.
   *
   * @return the number of bytes written
   */
  public static long write(int width, int size, Map<String, float[]> weights, Path file)
      throws IOException {
    LocalizerGraph graph = LocalizerGraph.of(width, SegmentData.CLASSES.size());
    return LocalizerOnnx.write(
        graph,
        weights,
        size,
        new LocalizerOnnx.Head(
            "cordwatch-segmenter",
            "Softmax",
            OUTPUT,
            "CordWatch canal segmenter: U-Net of width "
                + width
                + ", probability of "
                + String.join(", ", SegmentData.CLASSES)
                + " per view pixel, batch norm folded into conv",
            METADATA_KEY,
            Bundles.segmenterViewJson(spec(size))),
        file);
  }

  /**
   * The view spec the segmenter was trained with, its veto threshold 0 (measure only) until {@code
   * bundle add-segmenter} sets one; the metadata carries it without that key.
   */
  static SegmenterSpec spec(int size) {
    LocalizerSpec window = LocalizerSpec.defaults();
    return new SegmenterSpec(
        size,
        window.windowLowPercentile(),
        window.windowHighPercentile(),
        SegmenterTraining.CONTEXT,
        SegmentData.CLASSES,
        0);
  }
}
