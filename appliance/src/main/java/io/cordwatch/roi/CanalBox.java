package io.cordwatch.roi;

import io.cordwatch.infer.Preprocessing;

/**
 * A canal box as annotators write it: 0-based pixel indices, both ends inclusive (labels.csv and
 * the phantom's VOC files use these numbers). {@link #toPreprocessing} gives the half-open
 * continuous box the preprocessing crops, [x0, x1 + 1) x [y0, y1 + 1).
 */
public record CanalBox(int x0, int y0, int x1, int y1) {
  public CanalBox {
    if (x0 < 0 || y0 < 0 || x1 < x0 || y1 < y0) {
      throw new IllegalArgumentException(
          "box needs 0 <= x0 <= x1 and 0 <= y0 <= y1, got " + x0 + "," + y0 + "," + x1 + "," + y1);
    }
  }

  /** The box the preprocessing crops. */
  public Preprocessing.Box toPreprocessing() {
    return new Preprocessing.Box(x0, y0, x1 + 1.0, y1 + 1.0);
  }

  /** Intersection over union, counting pixels (both boxes inclusive). */
  public double iou(CanalBox other) {
    long iw = Math.min(x1, other.x1) - (long) Math.max(x0, other.x0) + 1;
    long ih = Math.min(y1, other.y1) - (long) Math.max(y0, other.y0) + 1;
    long inter = iw > 0 && ih > 0 ? iw * ih : 0;
    return (double) inter / (area() + other.area() - inter);
  }

  /** Pixels across, both ends counted. */
  public long width() {
    return x1 - (long) x0 + 1;
  }

  /** Pixels down, both ends counted. */
  public long height() {
    return y1 - (long) y0 + 1;
  }

  /** Pixels inside the box. */
  public long area() {
    return width() * height();
  }
}
