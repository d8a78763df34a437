package io.cordwatch.bench;

import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.SuppliedBoxes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options the grading benches share (one phantom series of {@code --slices} at {@code --size},
 * {@code --runs} timed runs, a {@code --bundle}), a picocli mixin, with their checks and the series
 * they describe, so both benches refuse the same values with the same words and grade the same
 * slices.
 */
final class PhantomSeries {
  static final int MAX_SLICES = 500;
  static final int MAX_RUNS = 50;

  /** The phantom's axial matrices; the bench picks the first seed whose study has the asked one. */
  static final List<Integer> SIZES = List.of(256, 320, 384, 512);

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "B",
      description = "Model bundle (folder or .zip)")
  Path bundlePath;

  @Option(
      names = "--slices",
      defaultValue = "40",
      description = "Axial slices in the phantom series (default: ${DEFAULT-VALUE})")
  int slices;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description =
          "Timed runs of each part, after one untimed warm-up (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--size",
      defaultValue = "384",
      description =
          "Rows and columns of the phantom slices: 256, 320, 384 or 512 (default: ${DEFAULT-VALUE})")
  int size;

  /** The phantom study written, as grader inputs (one per instance) and its supplied boxes. */
  record Written(Phantom.Result phantom, List<SeriesGrader.Input> inputs, SuppliedBoxes boxes) {}

  /** Checks the options and loads the bundle; a refusal names the option. */
  Bundle validate(CommandLine cl) {
    if (slices < 1 || slices > MAX_SLICES) {
      throw new ParameterException(
          cl, "--slices must be between 1 and " + MAX_SLICES + ", was " + slices);
    }
    if (runs < 1 || runs > MAX_RUNS) {
      throw new ParameterException(
          cl, "--runs must be between 1 and " + MAX_RUNS + ", was " + runs);
    }
    if (!SIZES.contains(size)) {
      throw new ParameterException(
          cl,
          "--size must be one of the phantom's matrices "
              + SIZES.toString().replaceAll("[\\[\\]]", "")
              + ", was "
              + size);
    }
    if (!Files.exists(bundlePath)) {
      throw new ParameterException(cl, "--bundle " + bundlePath + " does not exist");
    }
    try {
      return Bundles.load(bundlePath);
    } catch (BundleException e) {
      throw new ParameterException(cl, "--bundle " + bundlePath + ": " + e.getMessage());
    }
  }

  /** The first seed whose single phantom study has the asked matrix and slice count. */
  long seed() {
    return seedFor(size, slices);
  }

  /** Writes the single internal-style phantom study of {@code seed} to {@code dir}. */
  Written write(Path dir, long seed) throws IOException {
    Phantom.Result phantom =
        Phantom.generate(
            new Phantom.Options(dir, 1, seed, StudyPlan.Style.INTERNAL, slices, false, false));
    List<SeriesGrader.Input> inputs =
        phantom.slices().stream()
            .map(w -> new SeriesGrader.Input(w.sopUid(), w.file()))
            .distinct()
            .toList();
    return new Written(phantom, inputs, SuppliedBoxes.load(phantom.labels()));
  }

  /** The first seed whose single phantom study has a {@code size} x {@code size} matrix. */
  private static long seedFor(int size, int slices) {
    for (long seed = 1; seed < 10_000; seed++) {
      if (StudyPlan.plan(seed, 0, StudyPlan.Style.INTERNAL, slices).protocol().matrix() == size) {
        return seed;
      }
    }
    throw new IllegalStateException("no phantom seed gives a " + size + " matrix");
  }
}
