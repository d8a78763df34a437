package io.cordwatch.trainer.localizer;

import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.CanalLocator;
import io.cordwatch.roi.SlicePixels;
import java.util.Locale;
import java.util.Random;

/**
 * Scores a localizer on labelled slices as the appliance locates them (steps 1 to 6 of {@link
 * CanalLocator}: the millimetre floor of step 6 on slices whose files state a Pixel Spacing), whole
 * or cut into narrow strips around the labelled canal.
 *
 * <p><b>Strips.</b> A strip is the full height of the slice and {@code width} labelled-box widths
 * wide, placed around the labelled canal with a shift of up to 80% of the slack either way (seeded
 * by the SOP Instance UID, so the same slices give the same strips), and windowed again by the
 * localizer's own percentiles of the strip. It stands in for a series far longer than wide (a
 * sagittal slab resliced to axial) on data whose canal is known: docs/validation.md, "The rule for
 * a first view on long narrow slices".
 */
public final class LocalizerScore {
  /** The share of the slack a strip may shift by, either way. */
  static final double SHIFT = 0.8;

  private LocalizerScore() {}

  /**
   * What one set gave.
   *
   * @param stats the IoU distribution (0 for a slice without a box)
   * @param atLeastHalf slices whose box meets the label with IoU >= 0.5 (the real-slice target)
   */
  public record Score(IouStats stats, int atLeastHalf) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d slices: IoU >= 0.5 on %d (%.1f%%), IoU >= %.1f on %.1f%%, median %.3f, %d without a"
              + " box",
          stats.slices(),
          atLeastHalf,
          100.0 * atLeastHalf / stats.slices(),
          IouStats.TARGET,
          100 * stats.shareAtLeast(),
          stats.median(),
          stats.missed());
    }
  }

  /**
   * Scores {@code locator} on every sample of {@code data}.
   *
   * @param stripWidth the strip's width in labelled-box widths; 0 for whole slices
   */
  public static Score score(CanalLocator locator, LocalizerData data, double stripWidth) {
    double[] ious = new double[data.size()];
    int missed = 0;
    int half = 0;
    for (int i = 0; i < data.size(); i++) {
      LocalizerData.Sample s = data.samples().get(i);
      Cut c = stripWidth > 0 ? strip(s, stripWidth, locator) : whole(s);
      CanalLocator.Result r = locator.locateUnit(c.unit(), c.columns(), c.rows());
      if (s.pixelSpacing() != null) {
        // Step 6, as the appliance: a strip keeps the slice's pixels, so its spacing too.
        r = CanalLocator.atLeastMinimumSize(r, s.pixelSpacing()[0], s.pixelSpacing()[1]);
      }
      if (!r.found()) {
        missed++;
        continue;
      }
      ious[i] = r.box().iou(c.box());
      half += ious[i] >= 0.5 ? 1 : 0;
    }
    return new Score(IouStats.of(ious, missed), half);
  }

  /** A slice or a strip of one, in unit range, with its labelled box. */
  record Cut(float[] unit, int columns, int rows, CanalBox box) {}

  private static Cut whole(LocalizerData.Sample s) {
    return new Cut(s.unitFloats(), s.columns(), s.rows(), s.box());
  }

  /** The strip of {@code s} (the slice itself when the strip would be as wide as the slice). */
  static Cut strip(LocalizerData.Sample s, double width, CanalLocator locator) {
    CanalBox b = s.box();
    int boxWidth = b.x1() - b.x0() + 1;
    int w = (int) Math.round(width * boxWidth);
    if (w >= s.columns()) {
      return whole(s);
    }
    Random r = new Random(s.sopInstanceUid().hashCode());
    double slack = (w - boxWidth) / 2.0 * SHIFT;
    double centre = (b.x0() + b.x1() + 1) / 2.0 + (r.nextDouble() * 2 - 1) * slack;
    int x0 = (int) Math.round(centre - w / 2.0);
    x0 = Math.max(0, Math.min(s.columns() - w, x0));
    float[] all = s.unitFloats();
    float[] cut = new float[w * s.rows()];
    for (int y = 0; y < s.rows(); y++) {
      System.arraycopy(all, y * s.columns() + x0, cut, y * w, w);
    }
    float[] unit = CanalLocator.unit(new SlicePixels(cut, w, s.rows(), false), locator.spec());
    CanalBox box =
        new CanalBox(Math.max(0, b.x0() - x0), b.y0(), Math.min(w - 1, b.x1() - x0), b.y1());
    return new Cut(unit, w, s.rows(), box);
  }
}
