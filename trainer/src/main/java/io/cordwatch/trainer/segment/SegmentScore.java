package io.cordwatch.trainer.segment;

import io.cordwatch.roi.CanalLocator;
import io.cordwatch.roi.CanalTissue;
import io.cordwatch.trainer.localizer.DjlLocalizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a trained segmenter on every slice of a set that has a scoring box and writes what its map
 * shows per slice (one CSV row each), and the agreement of its maps with the phantom's (Dice per
 * class over the views, where the slices carry maps).
 *
 * <p>Per slice, in mm and mm² (from the view's scale and the slice's Pixel Spacing): {@code
 * tumour_mm2}, the expected tumour area in the view (sum of its probabilities); {@code
 * tumour_px_mm2}, the area of pixels whose most likely class is tumour; {@code tumour_sac_mm2},
 * those of them within {@link #NEAR_SAC_MM} mm of a dura, CSF or cord pixel (tumour at the sac, not
 * in distant bone); {@code tumour_cord_mm}, the shortest distance from a tumour pixel to a cord
 * pixel (empty when either is missing); {@code cord_mm2} and {@code csf_mm2}; {@code p_tumour_max},
 * the largest tumour probability of any view pixel; {@code tumour_box_mm2}, the expected tumour
 * area inside the scoring box (the canal as boxed: tumour there is epidural, or fills the canal so
 * that no sac is left to be near, where {@code tumour_sac_mm2} reads nothing).
 */
public final class SegmentScore {
  static final double NEAR_SAC_MM = 2.0;

  private SegmentScore() {}

  /**
   * Dice per class over a set's views, 2|A and B| / (|A| + |B|), and the pixel confusion: {@code
   * confusion[true][called]} view pixels.
   */
  public record Dice(double[] perClass, long slices, long[][] confusion) {}

  /** Scores {@code data}, writing one row per slice to {@code csv}. */
  public static Dice score(DjlLocalizer net, SegmentData data, int size, Path csv)
      throws IOException {
    int k = SegmentData.CLASSES.size();
    long[] inter = new long[k];
    long[] both = new long[k];
    long[][] confusion = new long[k][k];
    long mapped = 0;
    List<SegmentData.Sample> todo =
        data.samples().stream().filter(s -> s.scoringBox() != null).toList();
    Files.createDirectories(csv.toAbsolutePath().getParent());
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
      out.println(
          "study_instance_uid,sop_instance_uid,grade,tumour_mm2,tumour_px_mm2,tumour_sac_mm2,"
              + "tumour_cord_mm,cord_mm2,csf_mm2,p_tumour_max,tumour_box_mm2");
      int batch = 32;
      for (int from = 0; from < todo.size(); from += batch) {
        List<SegmentData.Sample> part = todo.subList(from, Math.min(todo.size(), from + batch));
        float[] views = new float[part.size() * size * size];
        List<CanalLocator.View> vs = new ArrayList<>();
        for (int i = 0; i < part.size(); i++) {
          SegmentData.Sample s = part.get(i);
          CanalLocator.View view = SegmenterTraining.viewAround(s.scoringBox(), size);
          vs.add(view);
          float[] v =
              CanalLocator.sample(
                  s.slice().unitFloats(), s.slice().columns(), s.slice().rows(), view);
          System.arraycopy(v, 0, views, i * size * size, v.length);
        }
        float[] p = net.classProbabilities(views, part.size(), size);
        for (int i = 0; i < part.size(); i++) {
          SegmentData.Sample s = part.get(i);
          CanalLocator.View view = vs.get(i);
          int plane = size * size;
          int[] arg = new int[plane];
          double tumourExpected = 0;
          double pMax = 0;
          for (int q = 0; q < plane; q++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
              if (p[(i * k + c) * plane + q] > p[(i * k + best) * plane + q]) {
                best = c;
              }
            }
            arg[q] = best;
            float pt = p[(i * k + SegmentData.TUMOUR) * plane + q];
            tumourExpected += pt;
            pMax = Math.max(pMax, pt);
          }
          double[] spacing = s.slice().pixelSpacing();
          double mmPerPixel = spacing == null ? 1 : Math.sqrt(spacing[0] * spacing[1]);
          double mmPerView = view.side() / size * mmPerPixel;
          double area = mmPerView * mmPerView;
          // The measurement the appliance's veto makes, by the appliance's own code.
          double tumourInBox =
              CanalTissue.tumourInBox(
                  p,
                  (i * k + SegmentData.TUMOUR) * plane,
                  view,
                  s.scoringBox().toPreprocessing(),
                  mmPerPixel);
          Measures m = measure(arg, size, mmPerView);
          out.printf(
              Locale.ROOT,
              "%s,%s,%s,%.3f,%.3f,%.3f,%s,%.3f,%.3f,%.4f,%.3f%n",
              s.slice().studyUid(),
              s.slice().sopInstanceUid(),
              s.slice().grade() == null ? "" : s.slice().grade(),
              tumourExpected * area,
              m.tumour() * area,
              m.tumourAtSac() * area,
              Double.isFinite(m.tumourCord())
                  ? String.format(Locale.ROOT, "%.3f", m.tumourCord())
                  : "",
              m.cord() * area,
              m.csf() * area,
              pMax,
              tumourInBox);
          if (s.classes() != null) {
            mapped++;
            byte[] truth =
                SegmenterTraining.classesInView(
                    s.classes(), s.slice().columns(), s.slice().rows(), view);
            for (int q = 0; q < plane; q++) {
              both[arg[q]]++;
              both[truth[q]]++;
              confusion[truth[q]][arg[q]]++;
              if (arg[q] == truth[q]) {
                inter[arg[q]]++;
              }
            }
          }
        }
      }
    }
    double[] dice = new double[k];
    for (int c = 0; c < k; c++) {
      dice[c] = both[c] == 0 ? Double.NaN : 2.0 * inter[c] / both[c];
    }
    return new Dice(dice, mapped, confusion);
  }

  /** What one view's map shows, in view pixels (areas) and mm (the distance). */
  record Measures(int tumour, int tumourAtSac, double tumourCord, int cord, int csf) {}

  static Measures measure(int[] arg, int size, double mmPerPixel) {
    List<int[]> tumour = new ArrayList<>();
    List<int[]> cord = new ArrayList<>();
    List<int[]> sac = new ArrayList<>();
    int csf = 0;
    for (int q = 0; q < arg.length; q++) {
      int[] xy = {q % size, q / size};
      switch (arg[q]) {
        case SegmentData.TUMOUR -> tumour.add(xy);
        case SegmentData.CORD -> {
          cord.add(xy);
          sac.add(xy);
        }
        case SegmentData.CSF -> {
          csf++;
          sac.add(xy);
        }
        case SegmentData.DURA -> sac.add(xy);
        default -> {}
      }
    }
    int atSac = 0;
    double toCord = Double.POSITIVE_INFINITY;
    double near = NEAR_SAC_MM / mmPerPixel;
    for (int[] t : tumour) {
      if (nearest(t, sac) <= near) {
        atSac++;
      }
      toCord = Math.min(toCord, nearest(t, cord) * mmPerPixel);
    }
    return new Measures(tumour.size(), atSac, toCord, cord.size(), csf);
  }

  private static double nearest(int[] a, List<int[]> set) {
    double best = Double.POSITIVE_INFINITY;
    for (int[] b : set) {
      double dx = a[0] - b[0];
      double dy = a[1] - b[1];
      best = Math.min(best, dx * dx + dy * dy);
    }
    return Math.sqrt(best);
  }
}
