package io.cordwatch.infer;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Keeps an even random sample of the slices a backbone was fed, as calibration planes: reservoir
 * sampling (each of the n slices seen is kept with probability k / n, whatever n turns out to be),
 * seeded, so the same studies in the same order give the same sample. Watch an engine with it
 * through {@link ObservedEngine}. What it keeps is what grading fed the engine, undone back to the
 * unit plane: channel 0's {@code t * std + mean}, clipped to [0, 1] and stored as {@code round(x *
 * 65535)} (see {@link BundleCalibration}).
 */
public final class CalibrationCapture implements ObservedEngine.Observer {
  private final PreprocessingSpec spec;
  private final int keep;
  private final SplittableRandom random;
  private final List<short[]> kept = new ArrayList<>();
  private long seen;

  /**
   * @param spec the bundle's preprocessing (mean and std, S)
   * @param keep how many slices to keep, at most
   * @param seed the sample's seed
   */
  public CalibrationCapture(PreprocessingSpec spec, int keep, long seed) {
    if (keep < 1 || keep > BundleCalibration.MAX_SLICES) {
      throw new IllegalArgumentException(
          "slices to keep must be 1.." + BundleCalibration.MAX_SLICES + ", got " + keep);
    }
    this.spec = spec;
    this.keep = keep;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public void batch(FloatBuffer nchw, int batch, InputShape shape, float[][] embeddings) {
    if (shape.height() != spec.inputSize() || shape.width() != spec.inputSize()) {
      throw new IllegalArgumentException(
          "the engine takes " + shape + ", the preprocessing makes " + spec.inputSize());
    }
    int item = shape.itemSize();
    int base = nchw.position();
    for (int b = 0; b < batch; b++) {
      seen++;
      int slot = seen <= keep ? kept.size() : (int) random.nextLong(seen);
      if (slot >= keep) {
        continue;
      }
      short[] plane = BundleCalibration.plane(nchw, base + b * item, spec);
      if (slot == kept.size()) {
        kept.add(plane);
      } else {
        kept.set(slot, plane);
      }
    }
  }

  /** Slices seen so far. */
  public long seen() {
    return seen;
  }

  /** The sample: {@code min(keep, seen)} planes of S x S. */
  public List<short[]> planes() {
    return List.copyOf(kept);
  }
}
