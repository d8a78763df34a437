package io.cordwatch.bench;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.phantom.StudyPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The options the grading benches share (one phantom series of {@code --slices} at {@code --size},
 * {@code --runs} timed runs, a {@code --bundle}) and their checks, so both refuse the same values
 * with the same words.
 */
final class PhantomSeries {
  static final int MAX_SLICES = 500;
  static final int MAX_RUNS = 50;

  /** The phantom's axial matrices; the bench picks the first seed whose study has the asked one. */
  static final List<Integer> SIZES = List.of(256, 320, 384, 512);

  private PhantomSeries() {}

  /** Checks the options and loads the bundle; a refusal names the option. */
  static Bundle validate(CommandLine cl, Path bundlePath, int slices, int runs, int size) {
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

  /** The first seed whose single phantom study has a {@code size} x {@code size} matrix. */
  static long seedFor(int size, int slices) {
    for (long seed = 1; seed < 10_000; seed++) {
      if (StudyPlan.plan(seed, 0, StudyPlan.Style.INTERNAL, slices).protocol().matrix() == size) {
        return seed;
      }
    }
    throw new IllegalStateException("no phantom seed gives a " + size + " matrix");
  }
}
