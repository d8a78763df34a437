package io.cordwatch.roi;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleSegmenter;
import io.cordwatch.infer.OnnxSegmenter;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.SegmenterSpec;
import java.util.List;
import java.util.Objects;

/**
 * What the bundle's canal segmenter sees inside a slice's canal box: the expected tumour area, in
 * mm². The grader asks it about the slices it is about to call high, and withdraws a call when the
 * area is below the bundle's {@code segmenter.veto_below_mm2} (docs/grading.md).
 *
 * <p>The view is a square {@code context} times the box's larger side across, centred on the box,
 * sampled to V x V from the slice in the localizer's unit range (its own percentile window, {@link
 * CanalLocator#unit}), as the trainer cuts it (docs/training.md, "The canal segmenter"). The
 * measurement is the sum, over view pixels whose centres lie inside the box, of the tumour
 * probability, times the area of a view pixel (from the view's scale and Pixel Spacing; a slice
 * without Pixel Spacing counts a pixel as 1 mm): tumour in the canal as boxed, where a metastasis
 * compressing the sac is, and a faint finding still counts.
 *
 * <p>Owns its ONNX Runtime session when opened from a bundle; close it when done. Safe for
 * concurrent callers: the session is synchronised and nothing else is kept between calls.
 */
public final class CanalTissue implements AutoCloseable {
  /** Views per network run. */
  static final int BATCH = 8;

  /** Runs the network on V x V views: {@code count * C * V * V} class probabilities. */
  @FunctionalInterface
  public interface Net {
    float[] probabilities(float[] views, int count);
  }

  private final SegmenterSpec spec;
  private final Net net;
  private final AutoCloseable owned;
  private final String description;

  /** Measures with {@code net}; nothing to close. */
  public CanalTissue(SegmenterSpec spec, Net net) {
    this(spec, net, null, "canal segmenter");
  }

  private CanalTissue(SegmenterSpec spec, Net net, AutoCloseable owned, String description) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.net = Objects.requireNonNull(net, "net");
    this.owned = owned;
    this.description = description;
  }

  /**
   * Opens the bundle's segmenter.
   *
   * @throws io.cordwatch.infer.BundleException when the bundle has none or it does not load
   */
  public static CanalTissue open(Bundle bundle) {
    BundleSegmenter s =
        bundle
            .segmenter()
            .orElseThrow(
                () ->
                    new io.cordwatch.infer.BundleException(
                        io.cordwatch.infer.BundleException.Code.MISSING_FILE,
                        bundle.source() + ": the bundle has no segmenter"));
    OnnxSegmenter engine = OnnxSegmenter.open(s.path(), s.spec());
    return new CanalTissue(
        s.spec(),
        engine::probabilities,
        engine,
        String.format(
            java.util.Locale.ROOT,
            "canal segmenter %s (%d px views; high calls withdrawn below %s mm² of tumour in the"
                + " box)",
            s.file(),
            s.spec().inputSize(),
            s.spec().vetoBelowMm2()));
  }

  /** How it runs, and its veto threshold. */
  public SegmenterSpec spec() {
    return spec;
  }

  /** One line for logs and the status page. */
  public String description() {
    return description;
  }

  /**
   * The expected tumour area inside each slice's box, in mm², in the order given.
   *
   * @throws io.cordwatch.infer.EngineException when the network fails
   */
  public double[] tumourInBoxMm2(List<SlicePixels> slices, List<CanalBox> boxes) {
    if (slices.size() != boxes.size()) {
      throw new IllegalArgumentException(slices.size() + " slices for " + boxes.size() + " boxes");
    }
    int size = spec.inputSize();
    int plane = size * size;
    double[] out = new double[slices.size()];
    for (int from = 0; from < slices.size(); from += BATCH) {
      int n = Math.min(BATCH, slices.size() - from);
      float[] views = new float[n * plane];
      CanalLocator.View[] cut = new CanalLocator.View[n];
      for (int i = 0; i < n; i++) {
        SlicePixels s = slices.get(from + i);
        cut[i] = viewAround(boxes.get(from + i).toPreprocessing(), spec.context(), size);
        float[] unit =
            CanalLocator.unit(s, spec.windowLowPercentile(), spec.windowHighPercentile());
        System.arraycopy(
            CanalLocator.sample(unit, s.columns(), s.rows(), cut[i]), 0, views, i * plane, plane);
      }
      float[] p = net.probabilities(views, n);
      int classes = spec.classes().size();
      if (p.length != n * classes * plane) {
        throw new IllegalStateException(
            "the segmenter returned " + p.length + " values for " + n + " views");
      }
      for (int i = 0; i < n; i++) {
        SlicePixels s = slices.get(from + i);
        out[from + i] =
            tumourInBox(
                p,
                (i * classes + spec.tumourChannel()) * plane,
                cut[i],
                boxes.get(from + i).toPreprocessing(),
                s.hasSpacing() ? Math.sqrt(s.rowSpacing() * s.columnSpacing()) : 1);
      }
    }
    return out;
  }

  /** The view around a canal box: {@code context} times its larger side, centred on it. */
  public static CanalLocator.View viewAround(Preprocessing.Box box, double context, int size) {
    double side = context * Math.max(box.x1() - box.x0(), box.y1() - box.y0());
    return CanalLocator.View.around(
        (box.x0() + box.x1()) / 2, (box.y0() + box.y1()) / 2, side, size);
  }

  /**
   * The expected area, in mm², of one class inside {@code box}: the sum of its probabilities over
   * the view pixels whose centres lie in the box, times a view pixel's area.
   *
   * @param p probabilities; the class's plane of the view starts at {@code offset}
   * @param mmPerSlicePixel the slice's pixel side in mm (geometric mean of Pixel Spacing)
   */
  public static double tumourInBox(
      float[] p,
      int offset,
      CanalLocator.View view,
      Preprocessing.Box box,
      double mmPerSlicePixel) {
    int size = view.size();
    double bx0 = view.toViewX(box.x0());
    double bx1 = view.toViewX(box.x1());
    double by0 = view.toViewY(box.y0());
    double by1 = view.toViewY(box.y1());
    double sum = 0;
    for (int y = 0; y < size; y++) {
      double cy = y + 0.5;
      if (cy < by0 || cy > by1) {
        continue;
      }
      for (int x = 0; x < size; x++) {
        double cx = x + 0.5;
        if (cx >= bx0 && cx <= bx1) {
          sum += p[offset + y * size + x];
        }
      }
    }
    double mmPerView = view.side() / size * mmPerSlicePixel;
    return sum * mmPerView * mmPerView;
  }

  @Override
  public void close() {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the canal segmenter", e);
      }
    }
  }
}
