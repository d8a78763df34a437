package io.cordwatch.infer;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A bundle's canal localizer on ONNX Runtime: square unit-range views in, a box-probability map per
 * view out ({@link LocalizerSpec#BOX_PROBABILITY}). What the views are and how a box is read from
 * the map belongs to {@code io.cordwatch.roi.CanalLocator}; this class only runs the graph (an
 * {@link OnnxViewNet} of one channel), checks that it has the layout the bundle promises, and keeps
 * ONNX Runtime's types inside {@code infer}. {@link #probabilities} and {@link #close} are
 * synchronised.
 */
public final class OnnxLocalizer implements AutoCloseable {
  private static final OnnxViewNet.Kind KIND =
      new OnnxViewNet.Kind(
          "localizer",
          BundleManifest.LOCALIZER,
          LocalizerSpec.BOX_PROBABILITY,
          1,
          BundleException.Code.LOCALIZER_LAYOUT);

  private final OnnxViewNet net;

  private OnnxLocalizer(OnnxViewNet net) {
    this.net = net;
  }

  /**
   * Opens the localizer graph, checks it maps float [N, 1, V, V] to float [N, 1, V, V] with V the
   * spec's {@code input_size}, and runs it once.
   *
   * @throws BundleException {@code MISSING_FILE}, {@code MODEL_UNLOADABLE} or {@code
   *     LOCALIZER_LAYOUT}, naming the file
   * @throws EngineException {@code NATIVE_LIBRARY} when ONNX Runtime itself cannot load
   */
  public static OnnxLocalizer open(Path onnx, LocalizerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return new OnnxLocalizer(OnnxViewNet.open(onnx, KIND, spec.inputSize()));
  }

  /**
   * Reads the {@link LocalizerSpec} the trainer stored in an ONNX file's metadata, without running
   * it; empty when the file carries none.
   *
   * @throws BundleException {@code MODEL_UNLOADABLE} when ONNX Runtime cannot read the file, {@code
   *     BAD_VALUE} or {@code MALFORMED_MANIFEST} when the stored spec is unusable
   */
  public static Optional<LocalizerSpec> storedSpec(Path onnx) {
    return OnnxViewNet.metadata(onnx, Bundles.LOCALIZER_METADATA_KEY, KIND.what())
        .map(
            json ->
                Bundles.localizerSpecFromJson(
                    json, onnx + " metadata " + Bundles.LOCALIZER_METADATA_KEY));
  }

  /** V, the views' side. */
  public int size() {
    return net.size();
  }

  /**
   * Box probabilities of {@code count} views of V x V unit-range values (row-major, one after the
   * other); {@code count * V * V} values in the same layout.
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
