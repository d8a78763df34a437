package io.cordwatch.infer;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns stored DICOM pixel values into the backbone's input tensor. This class is the reference:
 * the CUDA {@code preprocess} kernel and the trainer implement the same steps and are tested
 * against it, so every convention is written down here and in docs/model-bundle.md, and each step
 * is a public static function that can be checked on its own.
 *
 * <ol>
 *   <li><b>Stored value to modality value</b> ({@link #modalityValues}). Each sample is a raw bit
 *       pattern of Bits Allocated (8 or 16) bits; the low Bits Stored bits are kept (High Bit =
 *       Bits Stored - 1, as every MR scanner writes), sign-extended from bit Bits Stored - 1 when
 *       Pixel Representation is 1, then {@code v = stored * slope + intercept} (Rescale Slope and
 *       Intercept, 1 and 0 when absent).
 *   <li><b>Series window</b> ({@link #window}). Over every pixel of every slice of the series, the
 *       low and high percentiles (default 0.5 and 99.5) with linear interpolation between order
 *       statistics, as numpy's default: sort the n values ascending into s, rank {@code r = p / 100
 *       * (n - 1)}, {@code i = floor(r)}, value {@code s[i] + (r - i) * (s[min(i + 1, n - 1)] -
 *       s[i])}. Per series, not per slice, so that a slice's brightness relative to its neighbours
 *       survives (a slice full of tumour must not be stretched to look like normal marrow).
 *   <li><b>Unit range</b> ({@link #toUnit}). {@code x = clip((v - low) / (high - low), 0, 1)}; when
 *       {@code high <= low} (a constant series) every x is 0. MONOCHROME1 is then inverted as
 *       {@code x = 1 - x}, so bright means high signal for both photometric interpretations. This
 *       happens per pixel before any interpolation.
 *   <li><b>Crop and resize</b> ({@link #cropResize}). Coordinates are continuous pixel units: pixel
 *       (column j, row i) covers [j, j + 1) x [i, i + 1) and its centre is (j + 0.5, i + 0.5). The
 *       canal box [x0, x1) x [y0, y1) grows by {@code margin * (x1 - x0)} left and right and {@code
 *       margin * (y1 - y0)} top and bottom, giving [cx0, cx1) x [cy0, cy1), which may extend past
 *       the image. The crop is stretched to S x S (the aspect ratio is not kept, as in training).
 *       Output pixel (column u, row w) samples the source at {@code sx = cx0 + (u + 0.5) * (cx1 -
 *       cx0) / S - 0.5}, {@code sy = cy0 + (w + 0.5) * (cy1 - cy0) / S - 0.5} in pixel-index space,
 *       clamped to [0, width - 1] and [0, height - 1]; with {@code j = floor(sx)}, {@code j' =
 *       min(j + 1, width - 1)}, {@code tx = sx - j} (likewise i, i', ty) the value is {@code (1 -
 *       ty) * ((1 - tx) * p[i][j] + tx * p[i][j']) + ty * ((1 - tx) * p[i'][j] + tx * p[i'][j'])}.
 *       For a box covering the whole image and margin 0 this is exactly torch's {@code
 *       F.interpolate(mode="bilinear", align_corners=False, antialias=False)}; samples outside the
 *       image take the nearest edge pixel. There is no antialiasing on downscaling.
 *   <li><b>Channels and normalisation</b> ({@link #normalizeInto}). The S x S plane is written to
 *       each of the C input channels (C = 1 or 3, from the backbone) as {@code (x - mean) / std}.
 * </ol>
 *
 * <p>Arithmetic here is double precision inside a step and float32 between steps (each step's
 * output is a float array). A float32 implementation of a step agrees to within 1e-6 on [0, 1]
 * values, which is the tolerance kernel tests use per step.
 */
public final class Preprocessing {
  private final PreprocessingSpec spec;
  private final int channels;

  public Preprocessing(PreprocessingSpec spec, int channels) {
    this.spec = Objects.requireNonNull(spec, "spec");
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    this.channels = channels;
  }

  public PreprocessingSpec spec() {
    return spec;
  }

  /** Floats {@link #slice} writes per slice: C x S x S. */
  public int itemSize() {
    return channels * spec.inputSize() * spec.inputSize();
  }

  /** How stored values become modality values (DICOM image pixel module). */
  public record PixelEncoding(
      int bitsAllocated,
      int bitsStored,
      boolean signed,
      double slope,
      double intercept,
      boolean monochrome1) {
    public PixelEncoding {
      if (bitsAllocated != 8 && bitsAllocated != 16) {
        throw new IllegalArgumentException("Bits Allocated must be 8 or 16, got " + bitsAllocated);
      }
      if (bitsStored < 1 || bitsStored > bitsAllocated) {
        throw new IllegalArgumentException(
            "Bits Stored must be 1.." + bitsAllocated + ", got " + bitsStored);
      }
      if (!Double.isFinite(slope) || !Double.isFinite(intercept)) {
        throw new IllegalArgumentException(
            "Rescale Slope and Intercept must be finite, got " + slope + " and " + intercept);
      }
    }

    /** 16-bit unsigned MONOCHROME2 with no rescale, what most MR series are. */
    public static PixelEncoding unsigned16() {
      return new PixelEncoding(16, 16, false, 1, 0, false);
    }
  }

  /** The series' intensity window on modality values. */
  public record Window(double low, double high) {}

  /**
   * The spinal-canal box in continuous pixel coordinates: [x0, x1) x [y0, y1), pixel (j, i)
   * covering [j, j + 1) x [i, i + 1). A box from labels.csv or a LabelImg VOC file holds inclusive
   * 0-based pixel indices x0..x1 (LabelImg writes truncated pixel coordinates), so it is [x0, x1 +
   * 1).
   */
  public record Box(double x0, double y0, double x1, double y1) {
    public Box {
      if (!(Double.isFinite(x0)
              && Double.isFinite(y0)
              && Double.isFinite(x1)
              && Double.isFinite(y1))
          || !(x1 > x0 && y1 > y0)) {
        throw new IllegalArgumentException(
            "box must have x1 > x0 and y1 > y0, got " + List.of(x0, y0, x1, y1));
      }
    }

    /** The whole image. */
    public static Box of(int width, int height) {
      return new Box(0, 0, width, height);
    }
  }

  /** Step 1: stored values (raw bit patterns, as decoders return them) to modality values. */
  public static float[] modalityValues(short[] stored, PixelEncoding enc) {
    int mask = (1 << enc.bitsStored()) - 1;
    int signBit = 1 << (enc.bitsStored() - 1);
    float[] out = new float[stored.length];
    for (int k = 0; k < stored.length; k++) {
      int v = stored[k] & mask;
      if (enc.signed() && (v & signBit) != 0) {
        v -= 1 << enc.bitsStored();
      }
      out[k] = (float) (v * enc.slope() + enc.intercept());
    }
    return out;
  }

  /** Step 2 with this spec's percentiles. */
  public Window window(List<float[]> seriesSlices) {
    return window(seriesSlices, spec.windowLowPercentile(), spec.windowHighPercentile());
  }

  /** Step 2: the low and high percentiles over every value of every slice of a series. */
  public static Window window(List<float[]> seriesSlices, double lowPercent, double highPercent) {
    int n = 0;
    for (float[] s : seriesSlices) {
      n = Math.addExact(n, s.length);
    }
    if (n == 0) {
      throw new IllegalArgumentException("a window needs at least one pixel");
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] s : seriesSlices) {
      System.arraycopy(s, 0, all, at, s.length);
      at += s.length;
    }
    Arrays.sort(all);
    return new Window(percentile(all, lowPercent), percentile(all, highPercent));
  }

  /**
   * Step 2 computed from stored values, exactly equal to {@link #window(List, double, double)} of
   * their {@link #modalityValues}, without sorting: stored samples are at most 16-bit integers and
   * the rescale is monotonic, so order statistics come from a histogram of the stored values. A
   * series of 40 slices of 320 x 320 sorts four million floats (about a quarter of a second on two
   * cores); the histogram takes a few milliseconds. Falls back to the sort when the slope is not
   * positive (then the order of modality values is not the order of stored values).
   */
  public static Window windowOfStored(
      List<short[]> seriesSlices, PixelEncoding enc, double lowPercent, double highPercent) {
    if (!(enc.slope() > 0)) {
      return window(
          seriesSlices.stream().map(s -> modalityValues(s, enc)).toList(), lowPercent, highPercent);
    }
    int bits = enc.bitsStored();
    int mask = (1 << bits) - 1;
    int signBit = 1 << (bits - 1);
    int offset = enc.signed() ? signBit : 0;
    long[] counts = new long[1 << bits];
    long n = 0;
    for (short[] s : seriesSlices) {
      for (short raw : s) {
        int v = raw & mask;
        if (enc.signed() && (v & signBit) != 0) {
          v -= 1 << bits;
        }
        counts[v + offset]++;
      }
      n += s.length;
    }
    if (n == 0) {
      throw new IllegalArgumentException("a window needs at least one pixel");
    }
    return new Window(
        percentileOfCounts(counts, n, offset, enc, lowPercent),
        percentileOfCounts(counts, n, offset, enc, highPercent));
  }

  private static double percentileOfCounts(
      long[] counts, long n, int offset, PixelEncoding enc, double percent) {
    if (!(percent >= 0 && percent <= 100)) {
      throw new IllegalArgumentException("percentile must be 0..100, got " + percent);
    }
    double r = percent / 100 * (n - 1);
    long i = (long) Math.floor(r);
    long next = Math.min(i + 1, n - 1);
    float a = Float.NaN;
    float b = Float.NaN;
    long seen = 0;
    for (int bin = 0; bin < counts.length && Float.isNaN(b); bin++) {
      if (counts[bin] == 0) {
        continue;
      }
      seen += counts[bin];
      float value = (float) ((bin - offset) * enc.slope() + enc.intercept());
      if (Float.isNaN(a) && i < seen) {
        a = value;
      }
      if (next < seen) {
        b = value;
      }
    }
    return a + (r - i) * ((double) b - a);
  }

  /** Linear-interpolation percentile (numpy's default) of ascending values. */
  public static double percentile(float[] sorted, double percent) {
    if (!(percent >= 0 && percent <= 100)) {
      throw new IllegalArgumentException("percentile must be 0..100, got " + percent);
    }
    double r = percent / 100 * (sorted.length - 1);
    int i = (int) Math.floor(r);
    int next = Math.min(i + 1, sorted.length - 1);
    return sorted[i] + (r - i) * ((double) sorted[next] - sorted[i]);
  }

  /** Step 3: modality values to [0, 1] by the window, clipped; MONOCHROME1 inverted after. */
  public static float[] toUnit(float[] values, Window w, boolean monochrome1) {
    float[] out = new float[values.length];
    double range = w.high() - w.low();
    if (!(range > 0)) {
      return out;
    }
    for (int k = 0; k < values.length; k++) {
      double x = (values[k] - w.low()) / range;
      x = x < 0 ? 0 : (x > 1 ? 1 : x);
      out[k] = (float) (monochrome1 ? 1 - x : x);
    }
    return out;
  }

  /**
   * Step 4's check of the box alone: it must overlap the image (the crop may pass the edge, but not
   * miss the image entirely). What {@link #cropResize} refuses, for callers that crop elsewhere
   * (the kernels) and must refuse the same boxes with the same words.
   *
   * @throws IllegalArgumentException naming the box and the image when it lies outside
   */
  public static void checkBox(Box box, int width, int height) {
    if (box.x0() >= width || box.y0() >= height || box.x1() <= 0 || box.y1() <= 0) {
      throw new IllegalArgumentException(
          "box " + box + " lies outside the " + width + " x " + height + " image");
    }
  }

  /** Step 4: the box grown by the margin, sampled bilinearly to size x size (row-major). */
  public static float[] cropResize(
      float[] image, int width, int height, Box box, double margin, int size) {
    checkCrop(image.length, width, height, box);
    return sample(i -> image[i], width, height, box, margin, size);
  }

  private static void checkCrop(int pixels, int width, int height, Box box) {
    if (width < 1 || height < 1 || pixels != width * height) {
      throw new IllegalArgumentException(
          "image of " + pixels + " values is not " + width + " x " + height);
    }
    checkBox(box, width, height);
  }

  /**
   * Steps 1 and 3 as one table: the unit value ({@link #toUnit}) of every stored bit pattern of one
   * encoding under one window. Stored samples have at most 16 bits, so the table has at most 65,536
   * entries, and each entry is computed by exactly the arithmetic of {@link #modalityValues} then
   * {@link #toUnit} (the modality value rounded to float first), so looking a sample up gives the
   * same float bit for bit. A series usually has one encoding: one table per series.
   */
  public static final class UnitTable {
    private final float[] unit;
    private final int mask;

    private UnitTable(float[] unit, int mask) {
      this.unit = unit;
      this.mask = mask;
    }

    /** The unit value of one stored sample (its raw bit pattern). */
    public float of(short stored) {
      return unit[stored & mask];
    }
  }

  /** The {@link UnitTable} of an encoding (its {@code monochrome1} included) under a window. */
  public static UnitTable unitTable(PixelEncoding enc, Window w) {
    int bits = enc.bitsStored();
    int size = 1 << bits;
    short[] patterns = new short[size];
    for (int p = 0; p < size; p++) {
      patterns[p] = (short) p;
    }
    return new UnitTable(toUnit(modalityValues(patterns, enc), w, enc.monochrome1()), size - 1);
  }

  /**
   * Step 4 on stored samples through a {@link UnitTable}: the same floats as {@link #cropResize} of
   * the whole image's unit values, but only the samples the crop reads are looked up, so the cost
   * is the output's size (S x S x 4 reads) rather than the image's.
   */
  public static float[] cropResize(
      short[] stored, UnitTable unit, int width, int height, Box box, double margin, int size) {
    checkCrop(stored.length, width, height, box);
    return sample(i -> unit.of(stored[i]), width, height, box, margin, size);
  }

  /** One pixel of a row-major image, as the unit value step 4 interpolates. */
  @FunctionalInterface
  private interface PixelAt {
    float at(int index);
  }

  /**
   * Step 4's sampling, shared by both {@link #cropResize} forms so they compute the same floats:
   * the box grown by the margin, bilinear samples at pixel centres, edges clamped.
   */
  private static float[] sample(
      PixelAt px, int width, int height, Box box, double margin, int size) {
    double mx = margin * (box.x1() - box.x0());
    double my = margin * (box.y1() - box.y0());
    double cx0 = box.x0() - mx;
    double cy0 = box.y0() - my;
    double stepX = (box.x1() + mx - cx0) / size;
    double stepY = (box.y1() + my - cy0) / size;

    // Column sample positions are the same for every output row: compute them once.
    int[] j0 = new int[size];
    int[] j1 = new int[size];
    double[] tx = new double[size];
    for (int u = 0; u < size; u++) {
      double sx = clamp(cx0 + (u + 0.5) * stepX - 0.5, width - 1);
      j0[u] = (int) Math.floor(sx);
      j1[u] = Math.min(j0[u] + 1, width - 1);
      tx[u] = sx - j0[u];
    }
    float[] out = new float[size * size];
    for (int w = 0; w < size; w++) {
      double sy = clamp(cy0 + (w + 0.5) * stepY - 0.5, height - 1);
      int i0 = (int) Math.floor(sy);
      int i1 = Math.min(i0 + 1, height - 1);
      double ty = sy - i0;
      int r0 = i0 * width;
      int r1 = i1 * width;
      for (int u = 0; u < size; u++) {
        double top = (1 - tx[u]) * px.at(r0 + j0[u]) + tx[u] * px.at(r0 + j1[u]);
        double bottom = (1 - tx[u]) * px.at(r1 + j0[u]) + tx[u] * px.at(r1 + j1[u]);
        out[w * size + u] = (float) ((1 - ty) * top + ty * bottom);
      }
    }
    return out;
  }

  private static double clamp(double v, int max) {
    return v < 0 ? 0 : (v > max ? max : v);
  }

  /**
   * Step 5: writes the S x S plane into each channel as {@code (x - mean) / std}, at {@code out}'s
   * position, which advances by C x S x S.
   */
  public void normalizeInto(float[] plane, FloatBuffer out) {
    int s = spec.inputSize();
    if (plane.length != s * s) {
      throw new IllegalArgumentException(
          "plane of " + plane.length + " values is not " + s + " x " + s);
    }
    float[] normalized = new float[plane.length];
    for (int k = 0; k < plane.length; k++) {
      normalized[k] = (float) ((plane[k] - spec.mean()) / spec.std());
    }
    for (int c = 0; c < channels; c++) {
      out.put(normalized);
    }
  }

  /**
   * Steps 3 to 5 for one slice whose modality values and series window are known: writes C x S x S
   * floats at {@code out}'s position.
   */
  public void slice(
      float[] values,
      int width,
      int height,
      Window window,
      boolean monochrome1,
      Box canal,
      FloatBuffer out) {
    float[] unit = toUnit(values, window, monochrome1);
    normalizeInto(cropResize(unit, width, height, canal, spec.roiMargin(), spec.inputSize()), out);
  }

  /**
   * Steps 1 and 3 to 5 for one slice from its stored samples: writes exactly the floats {@link
   * #slice} writes for the same slice's {@link #modalityValues}, at {@code out}'s position.
   *
   * @param unit the table of the slice's encoding under the series window
   */
  public void sliceStored(
      short[] stored, UnitTable unit, int width, int height, Box canal, FloatBuffer out) {
    normalizeInto(
        cropResize(stored, unit, width, height, canal, spec.roiMargin(), spec.inputSize()), out);
  }
}
