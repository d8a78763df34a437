package io.cordwatch.phantom.real;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the thecal sac on real axial T2 slices of the lumbar spine, where there is no cord to start
 * from (below the conus the sac holds only the cauda equina roots) and no mask.
 *
 * <p>Design. On T2 the CSF of the sac is among the brightest things on a lumbar axial slice; what
 * else is as bright (epidural and paraspinal fat, disc nuclei, slow-flow veins in front of the
 * vertebra) is the wrong shape, in the wrong place, or not a tube that runs along the spine. The
 * rule works per slice, then across slices:
 *
 * <ol>
 *   <li>Per slice, pixels at or above each of several brightness quantiles of the slice (95th to
 *       99.5th: the lowest keeps the whole sac, the higher ones split it from fat touching it) form
 *       4-connected components; each is closed ({@value #CLOSE_MM} mm dilation, holes filled: a
 *       conus or a bundle of roots inside the sac is darker than the CSF around it). A component is
 *       a candidate if it is sac-sized and sac-shaped: {@value #MIN_AREA_MM2}-{@value
 *       #MAX_AREA_MM2} mm², {@value #MIN_SIDE_MM}-{@value #MAX_SIDE_MM} mm across in both
 *       directions, filling at least {@value #MIN_FILL} of its bounding box, not touching the image
 *       edge (a sac cut by the slab's edge gets no box), centred within {@value #MIDLINE_MM} mm of
 *       the slab's left-right centre, as bright as CSF (median at or above the slice's {@value
 *       #MIN_LEVEL} quantile), and behind the vertebral body: its centre lies between {@value
 *       #MIN_DEPTH} and {@value #MAX_DEPTH} of the body's anterior-posterior extent (first to last
 *       row whose mean is above a tenth of the bright level), measured from the front. This last
 *       test is what keeps the bright veins in front of the vertebra out.
 *   <li>Across slices, the sac is the chain of candidates with the largest summed brightness
 *       (median over the slice's {@value #TOP} quantile) whose centre moves at most {@value
 *       #JUMP_MM} mm per slice step, with gaps of at most {@value #MAX_GAP} slices. Slices off the
 *       chain get no sac: there the rule is not confident, and no label is better than a wrong one.
 *   <li>On each slice of the chain the sac is the widest candidate holding the chosen one ({@link
 *       #widest}: the chain's brightest component is often only the CSF in front of the roots),
 *       with the roots or the conus behind that CSF added ({@link #withContents}).
 *   <li>The canal box is the sac's bounding box widened by {@value CanalFinder#MARGIN_MM} mm on
 *       each side (the closing counts towards it), as for {@link CanalFinder}.
 * </ol>
 *
 * <p>On the fixture slab ({@code lumbar-3d-t2}) this boxes 135 of 201 slices (0 to 140 but six,
 * checked by eye on a montage of every third: the boxes sit on the whole sac behind the vertebral
 * body or disc, with the conus inside on the upper slices and the roots inside on the lower ones).
 * It boxes none of the lowest 60, where the sac's bright component reaches the slab's edge (a sac
 * cut by the edge gets no box). The result has an empty cord mask: no lesion is inserted into these
 * slices.
 */
public final class LumbarCanalFinder {
  /** Brightness quantiles of the slice tried as thresholds, lowest (largest sac) first. */
  static final double[] PERCENTILES = {0.95, 0.96, 0.97, 0.98, 0.985, 0.99, 0.995};

  static final double MIN_AREA_MM2 = 30;
  static final double MAX_AREA_MM2 = 400;
  static final double MIN_SIDE_MM = 5;
  static final double MAX_SIDE_MM = 25;
  static final double MIN_FILL = 0.4;
  static final double CLOSE_MM = 1;
  static final double TOP = 0.995;
  static final double MIN_DEPTH = 0.62;
  static final double MAX_DEPTH = 0.9;
  static final double MIN_LEVEL = 0.96;
  static final double MIDLINE_MM = 14;
  static final double JUMP_MM = 2;
  static final int MAX_GAP = 3;
  static final double CONTENTS_LEVEL = 0.45;
  static final double CONTENTS_MM = 4;

  private LumbarCanalFinder() {}

  /** One candidate component: its filled mask, bounding box and centre (pixels). */
  record Candidate(boolean[] mask, int[] bbox, double cx, double cy, int area, double level) {}

  /** The canals of consecutive slices of one series (null where not found). */
  public static List<CanalFinder.Canal> find(List<AxialSlice> slices) {
    int n = slices.size();
    List<List<Candidate>> cands = new ArrayList<>();
    for (AxialSlice s : slices) {
      cands.add(candidates(s));
    }
    // Longest chain by dynamic programming over slices, head to feet.
    double[][] length = new double[n][];
    int[][] prevSlice = new int[n][];
    int[][] prevCand = new int[n][];
    int bestZ = -1;
    int bestC = -1;
    for (int z = 0; z < n; z++) {
      int m = cands.get(z).size();
      length[z] = new double[m];
      prevSlice[z] = new int[m];
      prevCand[z] = new int[m];
      AxialSlice s = slices.get(z);
      for (int c = 0; c < m; c++) {
        Candidate here = cands.get(z).get(c);
        length[z][c] = here.level();
        prevSlice[z][c] = -1;
        for (int g = 1; g <= MAX_GAP + 1 && z - g >= 0; g++) {
          for (int q = 0; q < cands.get(z - g).size(); q++) {
            Candidate there = cands.get(z - g).get(q);
            double d =
                Math.hypot(
                    (here.cx() - there.cx()) * s.spacingX(),
                    (here.cy() - there.cy()) * s.spacingY());
            if (d <= JUMP_MM * g && length[z - g][q] + here.level() > length[z][c]) {
              length[z][c] = length[z - g][q] + here.level();
              prevSlice[z][c] = z - g;
              prevCand[z][c] = q;
            }
          }
        }
        if (bestZ < 0 || length[z][c] > length[bestZ][bestC]) {
          bestZ = z;
          bestC = c;
        }
      }
    }
    List<CanalFinder.Canal> out = new ArrayList<>();
    for (int z = 0; z < n; z++) {
      out.add(null);
    }
    for (int z = bestZ, c = bestC; z >= 0; ) {
      out.set(
          z,
          canal(slices.get(z), widest(cands.get(z), cands.get(z).get(c), slices.get(z).width())));
      int pz = prevSlice[z][c];
      int pc = prevCand[z][c];
      z = pz;
      c = pc;
    }
    return out;
  }

  /**
   * The widest candidate of the slice that holds the chain's choice: the chain prefers bright
   * components, and on a higher threshold the sac breaks up into its brightest part (the CSF in
   * front of the roots or the conus); the lowest threshold at which the same component still passes
   * the shape tests keeps the whole sac.
   */
  static Candidate widest(List<Candidate> all, Candidate chosen, int w) {
    int centre = (int) Math.round(chosen.cy()) * w + (int) Math.round(chosen.cx());
    for (Candidate c : all) {
      if (c.area() >= chosen.area() && c.mask()[centre]) {
        return c;
      }
    }
    return chosen;
  }

  /** The sac-like bright components of one slice, over all thresholds, lowest threshold first. */
  static List<Candidate> candidates(AxialSlice s) {
    float[] sorted = s.pixels().clone();
    Arrays.sort(sorted);
    List<Candidate> out = new ArrayList<>();
    double top = sorted[Math.min(sorted.length - 1, (int) (TOP * sorted.length))];
    double floor = sorted[Math.min(sorted.length - 1, (int) (MIN_LEVEL * sorted.length))];
    // The body's anterior-posterior extent: first and last row whose mean is above a tenth of the
    // bright level (air and noise are far below it).
    int w = s.width();
    int first = -1;
    int last = -1;
    for (int y = 0; y < s.height(); y++) {
      double sum = 0;
      for (int x = 0; x < w; x++) {
        sum += s.at(x, y);
      }
      if (sum / w > 0.1 * top) {
        first = first < 0 ? y : first;
        last = y;
      }
    }
    for (double p : PERCENTILES) {
      for (Candidate c :
          candidates(s, sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))])) {
        double depth = (c.cy() - first) / Math.max(1, last - first);
        if (c.level() >= floor && depth >= MIN_DEPTH && depth <= MAX_DEPTH) {
          out.add(new Candidate(c.mask(), c.bbox(), c.cx(), c.cy(), c.area(), c.level() / top));
        }
      }
    }
    return out;
  }

  /** The sac-like components of the pixels at or above {@code t}. */
  static List<Candidate> candidates(AxialSlice s, double t) {
    int w = s.width();
    int h = s.height();
    boolean[] bright = new boolean[w * h];
    for (int k = 0; k < bright.length; k++) {
      bright[k] = s.pixels()[k] >= t && s.pixels()[k] > 0;
    }
    double px = s.spacingX() * s.spacingY();
    boolean[] seen = new boolean[w * h];
    List<Candidate> out = new ArrayList<>();
    for (int k0 = 0; k0 < bright.length; k0++) {
      if (!bright[k0] || seen[k0]) {
        continue;
      }
      boolean[] mask = new boolean[w * h];
      mask[k0] = true;
      FloodFill.grow(mask, w, h, q -> bright[q]);
      List<Float> values = new ArrayList<>();
      int[] box = {w, h, -1, -1};
      for (int k = 0; k < mask.length; k++) {
        if (!mask[k]) {
          continue;
        }
        seen[k] = true;
        values.add(s.pixels()[k]);
        int x = k % w;
        int y = k / w;
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
      }
      if (box[0] == 0 || box[1] == 0 || box[2] == w - 1 || box[3] == h - 1) {
        continue;
      }
      double across = (box[2] - box[0] + 1) * s.spacingX();
      double deep = (box[3] - box[1] + 1) * s.spacingY();
      if (across < MIN_SIDE_MM
          || across > MAX_SIDE_MM
          || deep < MIN_SIDE_MM
          || deep > MAX_SIDE_MM) {
        continue;
      }
      mask = CanalFinder.dilate(mask, w, h, s.spacingX(), s.spacingY(), CLOSE_MM);
      CanalFinder.fillHoles(mask, w, h);
      int area = 0;
      double cx = 0;
      double cy = 0;
      for (int k = 0; k < mask.length; k++) {
        if (mask[k]) {
          area++;
          cx += k % w;
          cy += k / w;
          box[0] = Math.min(box[0], k % w);
          box[1] = Math.min(box[1], k / w);
          box[2] = Math.max(box[2], k % w);
          box[3] = Math.max(box[3], k / w);
        }
      }
      cx /= area;
      cy /= area;
      double fill = area / ((box[2] - box[0] + 1.0) * (box[3] - box[1] + 1.0));
      if (area * px < MIN_AREA_MM2
          || area * px > MAX_AREA_MM2
          || fill < MIN_FILL
          || Math.abs(cx - (w - 1) / 2.0) * s.spacingX() > MIDLINE_MM) {
        continue;
      }
      values.sort(null);
      out.add(new Candidate(mask, box, cx, cy, area, values.get(values.size() / 2)));
    }
    return out;
  }

  private static CanalFinder.Canal canal(AxialSlice s, Candidate c) {
    int w = s.width();
    int h = s.height();
    float[] csf = new float[c.area()];
    int m = 0;
    for (int k = 0; k < c.mask().length; k++) {
      if (c.mask()[k]) {
        csf[m++] = s.pixels()[k];
      }
    }
    Arrays.sort(csf);
    double level = csf[m / 2];
    boolean[] sac = withContents(s, c, level);
    // The closing already widened the sac by CLOSE_MM: the margin adds the rest.
    int[] box = CanalFinder.widened(bbox(sac, w, h), s, CanalFinder.MARGIN_MM - CLOSE_MM);
    return new CanalFinder.Canal(new boolean[w * h], sac, box, Double.NaN, level);
  }

  /**
   * The bounding box {x0, y0, x1, y1} (inclusive) of a mask on a w x h grid; x1 = -1 when empty.
   */
  static int[] bbox(boolean[] mask, int w, int h) {
    int[] b = {w, h, -1, -1};
    for (int k = 0; k < mask.length; k++) {
      if (mask[k]) {
        b[0] = Math.min(b[0], k % w);
        b[1] = Math.min(b[1], k / w);
        b[2] = Math.max(b[2], k % w);
        b[3] = Math.max(b[3], k / w);
      }
    }
    return b;
  }

  /**
   * The CSF component with what lies in the sac beside it: the cauda equina roots settle against
   * the back of the sac (the patient lies on it) and the conus sits inside, both darker than CSF
   * but far brighter than the dura and ligament around the sac. Grown from the CSF into pixels of
   * at least {@value #CONTENTS_LEVEL} of its median level, no further than {@value #CONTENTS_MM} mm
   * from it and inside its columns (the fat beside the sac is as bright and must stay out), holes
   * filled.
   */
  static boolean[] withContents(AxialSlice s, Candidate c, double level) {
    int w = s.width();
    int h = s.height();
    boolean[] near = CanalFinder.dilate(c.mask(), w, h, s.spacingX(), s.spacingY(), CONTENTS_MM);
    boolean[] sac = c.mask().clone();
    float[] px = s.pixels();
    FloodFill.grow(
        sac,
        w,
        h,
        q ->
            near[q]
                && q % w >= c.bbox()[0]
                && q % w <= c.bbox()[2]
                && q / w >= c.bbox()[1]
                && px[q] >= CONTENTS_LEVEL * level);
    CanalFinder.fillHoles(sac, w, h);
    return sac;
  }
}
