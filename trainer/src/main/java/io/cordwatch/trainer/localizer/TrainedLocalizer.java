package io.cordwatch.trainer.localizer;

import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.LocalizerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A trained localizer: its graph, its parameters (plain arrays, no native memory held), the spec it
 * was trained for, and what training measured. {@link #export} writes the ONNX graph; {@link
 * #addToBundle} puts it into a bundle folder, which is how {@code cordwatch train} adds it to the
 * bundle it writes.
 */
public final class TrainedLocalizer {
  /**
   * What training did and measured.
   *
   * @param data the training data's description
   * @param slices training slices
   * @param epochs epochs run
   * @param steps optimiser steps run
   * @param duration wall-clock training time, held-out scoring included
   * @param finalLoss mean loss of the last epoch
   * @param heldOut IoU statistics per held-out set after the last epoch
   * @param options the options used
   */
  public record Report(
      String data,
      int slices,
      int epochs,
      long steps,
      Duration duration,
      double finalLoss,
      Map<String, IouStats> heldOut,
      LocalizerTraining.Options options) {
    public Report {
      heldOut = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(heldOut));
    }
  }

  private final LocalizerGraph graph;
  private final Map<String, float[]> weights;
  private final LocalizerSpec spec;
  private final Report report;

  TrainedLocalizer(
      LocalizerGraph graph, Map<String, float[]> weights, LocalizerSpec spec, Report report) {
    this.graph = Objects.requireNonNull(graph);
    this.weights = Map.copyOf(weights);
    this.spec = Objects.requireNonNull(spec);
    this.report = report;
  }

  public LocalizerGraph graph() {
    return graph;
  }

  public LocalizerSpec spec() {
    return spec;
  }

  public Report report() {
    return report;
  }

  /** A copy of the parameters by name. */
  public Map<String, float[]> weights() {
    Map<String, float[]> out = new LinkedHashMap<>();
    graph.parameterShapes().keySet().forEach(k -> out.put(k, weights.get(k).clone()));
    return out;
  }

  /** Writes the ONNX graph (with the spec in its metadata); returns its size in bytes. */
  public long export(Path onnx) throws IOException {
    return LocalizerOnnx.write(graph, weights(), spec, onnx);
  }

  /** Scores the model on labelled slices, exactly as the appliance would locate them. */
  public IouStats evaluate(LocalizerData data) {
    try (DjlLocalizer net = DjlLocalizer.of(graph, weights)) {
      return LocalizerTraining.evaluate(net, data, spec);
    }
  }

  /**
   * Exports the model into a bundle folder as its localizer and verifies the bundle ({@link
   * Bundles#addLocalizer}).
   */
  public Bundles.Verified addToBundle(Path bundleDir) throws IOException {
    Path tmp = Files.createTempFile("cordwatch-localizer-", ".onnx");
    try {
      export(tmp);
      return Bundles.addLocalizer(bundleDir, tmp, spec);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
