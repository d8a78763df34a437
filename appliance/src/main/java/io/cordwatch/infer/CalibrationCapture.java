package io.cordwatch.infer;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A backbone that passes every batch to another one and keeps an even random sample of the slices
 * it was given, as calibration planes: reservoir sampling (each of the n slices seen is kept with
 * probability k / n, whatever n turns out to be), seeded, so the same studies in the same order
 * give the same sample. What it keeps is what grading fed the engine, undone back to the unit
 * plane: channel 0's {@code t * std + mean}, clipped to [0, 1] and stored as {@code round(x *
 * 65535)} (see {@link BundleCalibration}).
 */
public final class CalibrationCapture implements BackboneEngine {
  private final BackboneEngine engine;
  private final PreprocessingSpec spec;
  private final int keep;
  private final SplittableRandom random;
  private final List<short[]> kept = new ArrayList<>();
  private long seen;

  /**
   * @param engine runs the batches (its embeddings are what the caller gets back)
   * @param spec the bundle's preprocessing (mean and std, S)
   * @param keep how many slices to keep, at most
   * @param seed the sample's seed
   */
  public CalibrationCapture(BackboneEngine engine, PreprocessingSpec spec, int keep, long seed) {
    if (keep < 1 || keep > BundleCalibration.MAX_SLICES) {
      throw new IllegalArgumentException(
          "slices to keep must be 1.." + BundleCalibration.MAX_SLICES + ", got " + keep);
    }
    if (engine.inputShape().height() != spec.inputSize()
        || engine.inputShape().width() != spec.inputSize()) {
      throw new IllegalArgumentException(
          "the engine takes "
              + engine.inputShape()
              + ", the preprocessing makes "
              + spec.inputSize());
    }
    this.engine = engine;
    this.spec = spec;
    this.keep = keep;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public String name() {
    return engine.name();
  }

  @Override
  public InputShape inputShape() {
    return engine.inputShape();
  }

  @Override
  public int embeddingWidth() {
    return engine.embeddingWidth();
  }

  @Override
  public float[][] embed(FloatBuffer nchw, int batch) {
    int item = engine.inputShape().itemSize();
    int area = spec.inputSize() * spec.inputSize();
    int base = nchw.position();
    for (int b = 0; b < batch; b++) {
      seen++;
      int slot = seen <= keep ? kept.size() : (int) random.nextLong(seen);
      if (slot >= keep) {
        continue;
      }
      short[] plane = new short[area];
      int from = base + b * item;
      for (int k = 0; k < area; k++) {
        double x = nchw.get(from + k) * spec.std() + spec.mean();
        plane[k] = (short) Math.round(Math.clamp(x, 0.0, 1.0) * BundleCalibration.SCALE);
      }
      if (slot == kept.size()) {
        kept.add(plane);
      } else {
        kept.set(slot, plane);
      }
    }
    return engine.embed(nchw, batch);
  }

  /** Slices seen so far. */
  public long seen() {
    return seen;
  }

  /** The sample: {@code min(keep, seen)} planes of S x S. */
  public List<short[]> planes() {
    return List.copyOf(kept);
  }

  /** Closes the engine it passes batches to. */
  @Override
  public void close() {
    engine.close();
  }
}
