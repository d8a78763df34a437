package io.cordwatch.infer;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A bundle's canal segmenter on ONNX Runtime: square unit-range views in, one probability map per
 * tissue class out ({@link SegmenterSpec#TISSUE_PROBABILITY}, float [N, C, V, V] with C the spec's
 * classes). What the views are and what is measured on the maps belongs to {@code
 * io.cordwatch.roi.CanalTissue}; this class only runs the graph (an {@link OnnxViewNet}), checks
 * its layout against the spec, and keeps ONNX Runtime's types inside {@code infer}. {@link
 * #probabilities} and {@link #close} are synchronised.
 */
public final class OnnxSegmenter implements AutoCloseable {
  private final OnnxViewNet net;
  private final SegmenterSpec spec;

  private OnnxSegmenter(OnnxViewNet net, SegmenterSpec spec) {
    this.net = net;
    this.spec = spec;
  }

  private static OnnxViewNet.Kind kind(int channels) {
    return new OnnxViewNet.Kind(
        "segmenter",
        BundleManifest.SEGMENTER,
        SegmenterSpec.TISSUE_PROBABILITY,
        channels,
        BundleException.Code.SEGMENTER_LAYOUT);
  }

  /**
   * Opens the segmenter graph, checks it maps float [N, 1, V, V] to float [N, C, V, V] with V the
   * spec's {@code input_size} and C its number of classes, and runs it once.
   *
   * @throws BundleException {@code MISSING_FILE}, {@code MODEL_UNLOADABLE} or {@code
   *     SEGMENTER_LAYOUT}, naming the file
   * @throws EngineException {@code NATIVE_LIBRARY} when ONNX Runtime itself cannot load
   */
  public static OnnxSegmenter open(Path onnx, SegmenterSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return new OnnxSegmenter(
        OnnxViewNet.open(onnx, kind(spec.classes().size()), spec.inputSize()), spec);
  }

  /**
   * The spec the trainer stored in an ONNX file's metadata ({@value
   * Bundles#SEGMENTER_METADATA_KEY}), with the veto threshold given here, since it is chosen on
   * validation after training; empty when the file carries none.
   *
   * @throws BundleException {@code MODEL_UNLOADABLE} when ONNX Runtime cannot read the file, {@code
   *     BAD_VALUE} or {@code MALFORMED_MANIFEST} when the stored spec is unusable
   */
  public static Optional<SegmenterSpec> storedSpec(Path onnx, double vetoBelowMm2) {
    return OnnxViewNet.metadata(onnx, Bundles.SEGMENTER_METADATA_KEY, "segmenter")
        .map(
            json ->
                BundleManifestReader.segmenterSpec(
                    json,
                    vetoBelowMm2,
                    onnx + " metadata " + Bundles.SEGMENTER_METADATA_KEY + ":"));
  }

  /** How it runs. */
  public SegmenterSpec spec() {
    return spec;
  }

  /**
   * Class probabilities of {@code count} views of V x V unit-range values (row-major, one after the
   * other): {@code count * C * V * V} values, view by view, class by class.
   *
   * @throws EngineException {@code CLOSED}, {@code BAD_INPUT} or {@code RUN_FAILED}
   */
  public float[] probabilities(float[] views, int count) {
    return net.run(views, count);
  }

  @Override
  public void close() {
    net.close();
  }
}
