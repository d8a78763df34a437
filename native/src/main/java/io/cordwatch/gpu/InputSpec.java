package io.cordwatch.gpu;

/**
 * The shape and normalisation of the backbone input that {@code cw_preprocess_run} writes: what
 * bundle.json's {@code preprocessing} object and the backbone's channel count say
 * (docs/model-bundle.md).
 *
 * @param size S: each slice becomes S x S, 1..4096
 * @param channels C, 1 or 3: the plane is replicated
 * @param margin added on each side of the canal box as a fraction of its width or height, 0..10
 * @param mean subtracted on the [0, 1] scale, finite
 * @param std divided by, finite and > 0
 */
public record InputSpec(int size, int channels, double margin, double mean, double std) {
  public InputSpec {
    if (size < 1 || size > 4096) {
      throw new IllegalArgumentException("size must be 1..4096, got " + size);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (!(margin >= 0 && margin <= 10)) {
      throw new IllegalArgumentException("margin must be 0..10, got " + margin);
    }
    if (!Double.isFinite(mean) || !(std > 0) || !Double.isFinite(std)) {
      throw new IllegalArgumentException(
          "mean must be finite and std finite and > 0, got " + mean + " and " + std);
    }
  }

  /** Values per slice: C x S x S. */
  public long itemValues() {
    return (long) channels * size * size;
  }
}
