package io.cordwatch.roi;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.Preprocessing;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Objects;

/**
 * Finds the spinal-canal box on a whole slice with a small network that maps a square view of the
 * slice to a box-probability map. Everything around the network lives here, in plain Java, because
 * the trainer and the appliance must agree on it to the last half pixel: the trainer builds its
 * views and targets with {@link #sample} and {@link #coverage} and scores its model through {@link
 * #locate}, the appliance runs the same code around ONNX Runtime.
 *
 * <p><b>Why views and a map, not a regressed box.</b> The canal box is 20 to 40 pixels on slices of
 * 256 to 512, and an IoU of 0.8 on a 20-pixel box leaves about one pixel per edge. A network that
 * regresses four numbers from a downsampled slice is rarely that precise; a network that says, for
 * every pixel of a view, how much of it lies inside the box, is: each edge is then read from a
 * local profile with sub-pixel precision, and the network only has to learn local evidence. Two
 * views make the precision independent of the slice's matrix: the first sees the whole slice (the
 * canal is 6 to 10 view pixels there, enough to find it), each further one is centred on the box
 * found so far and {@code context} times its size (the canal is then about 40% of the view, at or
 * above the slice's own resolution). The same network serves every view; it is trained on both
 * kinds and on views in between.
 *
 * <p><b>The numbers, in continuous pixel coordinates</b> (pixel (column j, row i) covers [j, j+1) x
 * [i, i+1), as in docs/model-bundle.md):
 *
 * <ol>
 *   <li>Unit range: the slice's own percentiles {@code window_low_percentile} and {@code
 *       window_high_percentile} of its modality values, then {@link Preprocessing#toUnit} (clip to
 *       [0, 1], MONOCHROME1 inverted). Per slice, not per series, so a slice can be located as soon
 *       as it is decoded.
 *   <li>A view is a square [x0, x0 + s) x [y0, y0 + s) sampled to V x V ({@code input_size}). View
 *       pixel (u, w) is the mean of k x k bilinear samples at {@code x0 + (u + (a + 0.5)/k) * s/V}
 *       (rows alike), a, b = 0..k-1, k = ceil(s/V): area-like averaging when the view shrinks the
 *       slice (plain bilinear would skip pixels and lose the partial-volume edges), one bilinear
 *       sample when it enlarges it. A bilinear sample at (x, y) is 0 outside [0, W) x [0, H), else
 *       interpolates between pixel centres (x - 0.5, clamped to [0, W - 1]; rows alike).
 *   <li>The first view is the whole slice: s = max(W, H), centred. A further view is centred on the
 *       box found so far with s = {@code context} x its larger side (at least 4 pixels).
 *   <li>The network returns p per view pixel. The view has no canal when max p < {@code threshold}.
 *       Otherwise the box is read from the 4-connected region of p >= threshold around the maximum:
 *       its columns c0..c1 and rows r0..r1, the column profile P(x) = mean of p(x, r) over the
 *       middle half of its rows, and the edges {@code x0 = c0 + 1 - P(c0 - 1) - P(c0)}, {@code x1 =
 *       c1 + P(c1) + P(c1 + 1)} (P = 0 outside the view), rows alike. Trained on pixel coverage,
 *       P(c0 - 1) + P(c0) is exactly how much of those two pixels lies right of the left edge.
 *   <li>The last view's box, mapped back to the slice, becomes inclusive pixel indices: {@code
 *       round(x0)} .. {@code round(x1) - 1}, clipped to the slice. A box left empty is no box, and
 *       so is one narrower or shorter than {@value #MIN_BOX_PIXELS} pixels: no spinal canal is that
 *       small at any pixel spacing an axial series uses (under 1.5 mm, 4 pixels are under 6 mm; a
 *       normal canal is 10-25 mm across), and such a sliver, graded, is a crop of whatever lies
 *       beside it (found on a real lumbar volume: a 2 x 1 pixel box that both demo models called
 *       grade 3 with confidence).
 *   <li>Where the slice's Pixel Spacing is known, a box under {@value #MIN_BOX_MM} mm wide or high
 *       is no box either. Four pixels are 6 mm only at 1.5 mm pixels; at 0.5 mm a 2 mm box passed
 *       step 5, and such boxes, off the canal, drew confident high-grade calls (docs/validation.md,
 *       "The rule for a smallest canal box in millimetres"). The smallest true canal box on the
 *       validation phantoms is 10.6 mm a side, on the real series 11 mm.
 * </ol>
 *
 * <p>Never a guess: a view without a confident region gives a {@link Result} with no box and a
 * reason, and the grader reports the slice as "no ROI".
 */
public final class CanalLocator {
  /** The smallest close view, in slice pixels. */
  static final double MIN_SIDE = 4;

  /** The smallest canal box, in pixels a side (step 5). */
  public static final int MIN_BOX_PIXELS = 4;

  /** The smallest canal box, in millimetres a side, where the pixel spacing is known (step 6). */
  public static final double MIN_BOX_MM = 6;

  /** The network: views in, box probabilities out. */
  @FunctionalInterface
  public interface Net {
    /**
     * @param views {@code count} views of V x V unit-range values, row-major, one after the other
     * @return {@code count * V * V} probabilities in the same layout
     */
    float[] probabilities(float[] views, int count);
  }

  /**
   * A square region [x0, x0 + side) x [y0, y0 + side) of the slice, sampled to size x size.
   *
   * @param x0 left edge, slice pixels (continuous)
   * @param y0 top edge
   * @param side width and height, slice pixels
   * @param size V
   */
  public record View(double x0, double y0, double side, int size) {
    public View {
      if (!(side > 0 && Double.isFinite(side)) || size < 1) {
        throw new IllegalArgumentException("a view needs side > 0 and size >= 1");
      }
    }

    /** The whole slice, centred in a square of its larger side. */
    public static View whole(int columns, int rows, int size) {
      double side = Math.max(columns, rows);
      return new View((columns - side) / 2, (rows - side) / 2, side, size);
    }

    /** A square of {@code side} centred at (cx, cy). */
    public static View around(double cx, double cy, double side, int size) {
      return new View(cx - side / 2, cy - side / 2, side, size);
    }

    /** Slice x of view x. */
    public double toSliceX(double vx) {
      return x0 + vx * side / size;
    }

    /** Slice y of view y. */
    public double toSliceY(double vy) {
      return y0 + vy * side / size;
    }

    /** View x of slice x. */
    public double toViewX(double x) {
      return (x - x0) * size / side;
    }

    /** View y of slice y. */
    public double toViewY(double y) {
      return (y - y0) * size / side;
    }

    /** A box in view coordinates mapped to slice coordinates. */
    public Preprocessing.Box toSlice(Preprocessing.Box b) {
      return new Preprocessing.Box(
          toSliceX(b.x0()), toSliceY(b.y0()), toSliceX(b.x1()), toSliceY(b.y1()));
    }
  }

  /**
   * What the localizer found on one slice.
   *
   * @param box the canal box in inclusive pixel indices; null when none was found
   * @param exact the box before rounding, in continuous slice coordinates; null when none
   * @param confidence the highest probability on the last view run (0..1)
   * @param reason why there is no box; null when there is one
   */
  public record Result(CanalBox box, Preprocessing.Box exact, double confidence, String reason) {
    static Result none(double confidence, String reason) {
      return new Result(null, null, confidence, reason);
    }

    public boolean found() {
      return box != null;
    }
  }

  /**
   * A box read from one view's probability map.
   *
   * @param box continuous view coordinates; null when the view has no canal
   * @param peak the highest probability of the view
   */
  public record Decoded(Preprocessing.Box box, double peak) {}

  private final LocalizerSpec spec;
  private final Net net;

  public CanalLocator(LocalizerSpec spec, Net net) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.net = Objects.requireNonNull(net, "net");
  }

  public LocalizerSpec spec() {
    return spec;
  }

  /**
   * Locates the canal on one slice (steps 1 to 6): step 6 needs the slice's pixel spacing and is
   * left out when it is unknown.
   */
  public Result locate(SlicePixels slice) {
    Result r = locateUnit(unit(slice, spec), slice.columns(), slice.rows());
    return slice.hasSpacing()
        ? atLeastMinimumSize(r, slice.rowSpacing(), slice.columnSpacing())
        : r;
  }

  /**
   * Step 6 on a result of steps 1 to 5: a box under {@value #MIN_BOX_MM} mm wide or high at the
   * slice's pixel spacing becomes no box, with the size in the reason; any other result is returned
   * as it is. For callers that locate with {@link #locateUnit} and know the spacing (the trainer's
   * scoring).
   *
   * @param rowSpacing mm between rows
   * @param columnSpacing mm between columns
   */
  public static Result atLeastMinimumSize(Result r, double rowSpacing, double columnSpacing) {
    if (!r.found()) {
      return r;
    }
    double across = r.box().width() * columnSpacing;
    double deep = r.box().height() * rowSpacing;
    if (Math.min(across, deep) < MIN_BOX_MM) {
      return Result.none(
          r.confidence(),
          String.format(
              Locale.ROOT,
              "localizer box %.1f x %.1f mm is too small to be a spinal canal (needs %.0f mm a side)",
              across,
              deep,
              MIN_BOX_MM));
    }
    return r;
  }

  /** Steps 2 to 5 on a slice already in unit range (step 1), {@code w} x {@code h}. */
  public Result locateUnit(float[] unit, int w, int h) {
    if ((long) w * h != unit.length) {
      throw new IllegalArgumentException(
          "a " + w + " x " + h + " slice cannot hold " + unit.length + " values");
    }
    int size = spec.inputSize();
    View view = View.whole(w, h, size);
    Decoded d = decode(run(unit, w, h, view), size, spec.threshold());
    if (d.box() == null) {
      return Result.none(
          d.peak(),
          String.format(
              Locale.ROOT,
              "localizer found no canal (confidence %.2f, needs %.2f)",
              d.peak(),
              spec.threshold()));
    }
    Preprocessing.Box box = view.toSlice(d.box());
    for (int r = 0; r < spec.refinements(); r++) {
      double side =
          Math.max(MIN_SIDE, spec.context() * Math.max(box.x1() - box.x0(), box.y1() - box.y0()));
      view = View.around((box.x0() + box.x1()) / 2, (box.y0() + box.y1()) / 2, side, size);
      d = decode(run(unit, w, h, view), size, spec.threshold());
      if (d.box() == null) {
        return Result.none(
            d.peak(),
            String.format(
                Locale.ROOT,
                "localizer lost the canal on the close view (confidence %.2f, needs %.2f)",
                d.peak(),
                spec.threshold()));
      }
      box = view.toSlice(d.box());
    }
    CanalBox pixels = toPixels(box, w, h);
    if (pixels == null) {
      return Result.none(d.peak(), "localizer box lies outside the slice");
    }
    if (pixels.width() < MIN_BOX_PIXELS || pixels.height() < MIN_BOX_PIXELS) {
      return Result.none(
          d.peak(),
          String.format(
              Locale.ROOT,
              "localizer box %d x %d px is too small to be a spinal canal (needs %d a side)",
              pixels.width(),
              pixels.height(),
              MIN_BOX_PIXELS));
    }
    return new Result(pixels, box, d.peak(), null);
  }

  private float[] run(float[] unit, int w, int h, View view) {
    int n = view.size() * view.size();
    float[] p = net.probabilities(sample(unit, w, h, view), 1);
    if (p.length != n) {
      throw new IllegalStateException(
          "the localizer returned "
              + p.length
              + " values for one "
              + view.size()
              + " x "
              + view.size()
              + " view");
    }
    return p;
  }

  /** Step 1: the slice in unit range by its own percentile window. */
  public static float[] unit(SlicePixels slice, LocalizerSpec spec) {
    return unit(slice, spec.windowLowPercentile(), spec.windowHighPercentile());
  }

  /** Step 1 with the window percentiles given (the canal segmenter's, from its own spec). */
  public static float[] unit(SlicePixels slice, double lowPercent, double highPercent) {
    Preprocessing.Window window = window(slice.values(), lowPercent, highPercent);
    return Preprocessing.toUnit(slice.values(), window, slice.monochrome1());
  }

  /**
   * The same numbers as {@link Preprocessing#window} for one slice (numpy's linear interpolation
   * between order statistics), found by selection instead of a full sort: a 512 x 512 slice is
   * located on every arrival, and sorting a quarter of a million values costs several times the
   * network's own run.
   */
  static Preprocessing.Window window(float[] values, double lowPercent, double highPercent) {
    if (values.length == 0) {
      throw new IllegalArgumentException("a window needs at least one pixel");
    }
    float[] work = values.clone();
    return new Preprocessing.Window(percentile(work, lowPercent), percentile(work, highPercent));
  }

  /** Linear-interpolation percentile by selection; reorders {@code a}. */
  private static double percentile(float[] a, double percent) {
    if (!(percent >= 0 && percent <= 100)) {
      throw new IllegalArgumentException("percentile must be 0..100, got " + percent);
    }
    double r = percent / 100 * (a.length - 1);
    int i = (int) Math.floor(r);
    float lo = select(a, i);
    if (i + 1 >= a.length || r == i) {
      return lo;
    }
    // After selecting i, everything right of i is >= a[i]: the next order statistic is their min.
    float hi = Float.POSITIVE_INFINITY;
    for (int k = i + 1; k < a.length; k++) {
      hi = Math.min(hi, a[k]);
    }
    return lo + (r - i) * ((double) hi - lo);
  }

  /** The k-th smallest value (0-based); leaves a[k] in place, smaller left, larger right. */
  private static float select(float[] a, int k) {
    int left = 0;
    int right = a.length - 1;
    while (right > left) {
      int mid = (left + right) >>> 1;
      // Median of three as the pivot, then a three-way partition (many equal pixel values).
      float x = a[left];
      float y = a[mid];
      float z = a[right];
      float pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
      int lt = left;
      int gt = right;
      int i = left;
      while (i <= gt) {
        if (a[i] < pivot) {
          swap(a, lt++, i++);
        } else if (a[i] > pivot) {
          swap(a, i, gt--);
        } else {
          i++;
        }
      }
      if (k < lt) {
        right = lt - 1;
      } else if (k > gt) {
        left = gt + 1;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static void swap(float[] a, int i, int j) {
    float t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** Step 2: a view of a unit-range slice, V x V row-major. */
  public static float[] sample(float[] unit, int width, int height, View view) {
    if ((long) width * height != unit.length) {
      throw new IllegalArgumentException(
          "a " + width + " x " + height + " slice cannot hold " + unit.length + " values");
    }
    int size = view.size();
    double step = view.side() / size;
    int k = Math.max(1, (int) Math.ceil(step - 1e-9));
    Axis xs = Axis.of(view.x0(), step, size, k, width);
    Axis ys = Axis.of(view.y0(), step, size, k, height);
    float[] out = new float[size * size];
    double norm = 1.0 / (k * k);
    for (int w = 0; w < size; w++) {
      for (int u = 0; u < size; u++) {
        double sum = 0;
        for (int b = 0; b < k; b++) {
          int sy = w * k + b;
          if (!ys.inside[sy]) {
            continue;
          }
          int r0 = ys.i0[sy] * width;
          int r1 = ys.i1[sy] * width;
          double ty = ys.t[sy];
          for (int a = 0; a < k; a++) {
            int sx = u * k + a;
            if (!xs.inside[sx]) {
              continue;
            }
            int c0 = xs.i0[sx];
            int c1 = xs.i1[sx];
            double tx = xs.t[sx];
            double top = (1 - tx) * unit[r0 + c0] + tx * unit[r0 + c1];
            double bottom = (1 - tx) * unit[r1 + c0] + tx * unit[r1 + c1];
            sum += (1 - ty) * top + ty * bottom;
          }
        }
        out[w * size + u] = (float) (sum * norm);
      }
    }
    return out;
  }

  /** Bilinear sample positions along one axis: size * k samples. */
  private record Axis(int[] i0, int[] i1, double[] t, boolean[] inside) {
    static Axis of(double origin, double step, int size, int k, int extent) {
      int n = size * k;
      int[] i0 = new int[n];
      int[] i1 = new int[n];
      double[] t = new double[n];
      boolean[] inside = new boolean[n];
      for (int u = 0; u < size; u++) {
        for (int a = 0; a < k; a++) {
          int s = u * k + a;
          double x = origin + (u + (a + 0.5) / k) * step;
          if (x < 0 || x >= extent) {
            continue;
          }
          inside[s] = true;
          double c = Math.min(Math.max(x - 0.5, 0), extent - 1);
          int j = (int) Math.floor(c);
          i0[s] = j;
          i1[s] = Math.min(j + 1, extent - 1);
          t[s] = c - j;
        }
      }
      return new Axis(i0, i1, t, inside);
    }
  }

  /**
   * The training target of a view: the share of each view pixel that the box covers (the box in
   * continuous slice coordinates, e.g. {@link CanalBox#toPreprocessing}).
   */
  public static float[] coverage(Preprocessing.Box box, View view) {
    int size = view.size();
    double[] cx = axisCoverage(view.toViewX(box.x0()), view.toViewX(box.x1()), size);
    double[] cy = axisCoverage(view.toViewY(box.y0()), view.toViewY(box.y1()), size);
    float[] out = new float[size * size];
    for (int w = 0; w < size; w++) {
      if (cy[w] == 0) {
        continue;
      }
      for (int u = 0; u < size; u++) {
        out[w * size + u] = (float) (cx[u] * cy[w]);
      }
    }
    return out;
  }

  private static double[] axisCoverage(double from, double to, int size) {
    double[] c = new double[size];
    for (int u = 0; u < size; u++) {
      c[u] = Math.max(0, Math.min(u + 1, to) - Math.max(u, from));
    }
    return c;
  }

  /** Step 4: the box on one view's probability map, in view coordinates. */
  public static Decoded decode(float[] p, int size, double threshold) {
    if (p.length != size * size) {
      throw new IllegalArgumentException(
          p.length + " probabilities for a " + size + " x " + size + " view");
    }
    int peak = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[peak]) {
        peak = i;
      }
    }
    double best = p[peak];
    if (!(best >= threshold)) {
      return new Decoded(null, Double.isNaN(best) ? 0 : best);
    }
    // The region of confident pixels connected to the peak: a second bright blob elsewhere (a
    // ghost, a root sleeve) must not stretch the box.
    boolean[] seen = new boolean[p.length];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(peak);
    seen[peak] = true;
    int c0 = size;
    int c1 = -1;
    int r0 = size;
    int r1 = -1;
    while (!queue.isEmpty()) {
      int i = queue.poll();
      int r = i / size;
      int c = i % size;
      c0 = Math.min(c0, c);
      c1 = Math.max(c1, c);
      r0 = Math.min(r0, r);
      r1 = Math.max(r1, r);
      if (c > 0) {
        visit(p, i - 1, threshold, seen, queue);
      }
      if (c < size - 1) {
        visit(p, i + 1, threshold, seen, queue);
      }
      if (r > 0) {
        visit(p, i - size, threshold, seen, queue);
      }
      if (r < size - 1) {
        visit(p, i + size, threshold, seen, queue);
      }
    }
    int rm0 = r0 + (r1 - r0) / 4;
    int rm1 = r1 - (r1 - r0) / 4;
    int cm0 = c0 + (c1 - c0) / 4;
    int cm1 = c1 - (c1 - c0) / 4;
    double x0 = c0 + 1 - columnMean(p, size, c0 - 1, rm0, rm1) - columnMean(p, size, c0, rm0, rm1);
    double x1 = c1 + columnMean(p, size, c1, rm0, rm1) + columnMean(p, size, c1 + 1, rm0, rm1);
    double y0 = r0 + 1 - rowMean(p, size, r0 - 1, cm0, cm1) - rowMean(p, size, r0, cm0, cm1);
    double y1 = r1 + rowMean(p, size, r1, cm0, cm1) + rowMean(p, size, r1 + 1, cm0, cm1);
    if (!(x1 > x0 && y1 > y0)) {
      return new Decoded(null, best);
    }
    return new Decoded(new Preprocessing.Box(x0, y0, x1, y1), best);
  }

  private static void visit(
      float[] p, int i, double threshold, boolean[] seen, ArrayDeque<Integer> queue) {
    if (!seen[i] && p[i] >= threshold) {
      seen[i] = true;
      queue.add(i);
    }
  }

  private static double columnMean(float[] p, int size, int column, int fromRow, int toRow) {
    if (column < 0 || column >= size) {
      return 0;
    }
    double sum = 0;
    for (int r = fromRow; r <= toRow; r++) {
      sum += p[r * size + column];
    }
    return sum / (toRow - fromRow + 1);
  }

  private static double rowMean(float[] p, int size, int row, int fromColumn, int toColumn) {
    if (row < 0 || row >= size) {
      return 0;
    }
    double sum = 0;
    for (int c = fromColumn; c <= toColumn; c++) {
      sum += p[row * size + c];
    }
    return sum / (toColumn - fromColumn + 1);
  }

  /** Step 5: a continuous box as inclusive pixel indices inside the slice, or null. */
  public static CanalBox toPixels(Preprocessing.Box box, int width, int height) {
    long x0 = Math.max(0, Math.round(box.x0()));
    long y0 = Math.max(0, Math.round(box.y0()));
    long x1 = Math.min(width - 1L, Math.round(box.x1()) - 1);
    long y1 = Math.min(height - 1L, Math.round(box.y1()) - 1);
    if (x1 < x0 || y1 < y0) {
      return null;
    }
    return new CanalBox((int) x0, (int) y0, (int) x1, (int) y1);
  }
}
