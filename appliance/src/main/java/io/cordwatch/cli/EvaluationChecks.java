package io.cordwatch.cli;

import io.cordwatch.roi.CanalBox;
import io.cordwatch.stats.ClusteredBootstrap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of {@code cordwatch evaluate} that ask whether a model is fit to be trusted, beyond
 * agreement on average: intervals that respect studies, results near the grade boundaries, false
 * alarms on normal slices, and whether the canal was found.
 *
 * <ul>
 *   <li><b>Study-clustered intervals</b>: AC1, sensitivity and specificity for high vs low, with
 *       {@link ClusteredBootstrap} over studies (seed {@value #SEED}, {@value
 *       ClusteredBootstrap#DEFAULT_REPLICATES} replicates).
 *   <li><b>By distance to the grade boundary</b> (when the reference has {@code
 *       boundary_distance}): exact-grade and high/low agreement per band, so that errors on
 *       borderline slices (which readers disagree on too) are told apart from errors on clear ones.
 *   <li><b>False alarms</b> on reference grade 0 slices: confident high calls (high, not marked
 *       uncertain) per 100 such slices, with the uncertain high calls and the not-graded slices
 *       counted beside them (they are not alarms: the appliance says "read manually").
 *   <li><b>Canal found</b> (when both sides have boxes): the share of reference boxes the reader's
 *       box overlaps with IoU &ge; {@value #HIT_IOU}; a reference slice the reader did not box (no
 *       ROI) is a miss.
 * </ul>
 */
final class EvaluationChecks {
  static final long SEED = 20261205L;
  static final double HIT_IOU = 0.5;
  private static final double[] BANDS = {0, 0.1, 0.25, Double.POSITIVE_INFINITY};

  private EvaluationChecks() {}

  /**
   * One band of boundary distance.
   *
   * @param label e.g. "[0, 0.1)"
   * @param n matched slices in it
   * @param exact same 6-grade answer
   * @param highLow same high/low answer
   */
  record Band(String label, long n, long exact, long highLow) {}

  /**
   * Confident high-grade calls on normal slices.
   *
   * @param normalSlices reference grade 0 slices with a prediction (graded or not)
   * @param confidentHigh graded high and not uncertain
   * @param uncertainHigh graded high but marked uncertain
   * @param borderlineHigh graded high, not uncertain, but below the bundle's confident band
   * @param notGraded not graded (no ROI, unreadable)
   */
  record FalseAlarms(
      long normalSlices,
      long confidentHigh,
      long uncertainHigh,
      long borderlineHigh,
      long notGraded) {
    /** Confident high calls per 100 normal slices; NaN without normal slices. */
    double per100() {
      return normalSlices == 0 ? Double.NaN : 100.0 * confidentHigh / normalSlices;
    }
  }

  /**
   * How often the reader's canal box matches the reference's.
   *
   * @param referenceBoxes reference slices with a box and a prediction
   * @param hits reader box with IoU &ge; {@link #HIT_IOU}
   * @param noBox reader had no box
   * @param medianIou median IoU, a missing box counting 0
   */
  record Localizer(long referenceBoxes, long hits, long noBox, double medianIou) {
    double share() {
      return referenceBoxes == 0 ? Double.NaN : (double) hits / referenceBoxes;
    }
  }

  record Report(
      ClusteredBootstrap.Result clustered,
      List<Band> bands,
      FalseAlarms falseAlarms,
      Localizer localizer) {}

  static Report of(
      List<Evaluation.Slice> reference,
      List<Evaluation.Matched> matched,
      List<Evaluation.Slice> notGraded,
      Map<Evaluation.Key, Evaluation.Slice> predicted) {
    return new Report(
        clustered(matched),
        bands(matched),
        falseAlarms(matched, notGraded, reference),
        localizer(reference, predicted));
  }

  private static ClusteredBootstrap.Result clustered(List<Evaluation.Matched> matched) {
    Map<String, long[]> byStudy = new LinkedHashMap<>();
    for (Evaluation.Matched m : matched) {
      String study =
          m.reference().studyInstanceUid() != null
              ? m.reference().studyInstanceUid()
              : String.valueOf(m.predicted().studyInstanceUid());
      long[] t = byStudy.computeIfAbsent(study, k -> new long[4]);
      boolean r = m.reference().high();
      boolean p = m.predicted().high();
      t[r ? (p ? 0 : 1) : (p ? 2 : 3)]++;
    }
    List<ClusteredBootstrap.Cluster> clusters = new ArrayList<>();
    byStudy
        .values()
        .forEach(t -> clusters.add(new ClusteredBootstrap.Cluster(t[0], t[1], t[2], t[3])));
    return ClusteredBootstrap.of(clusters, ClusteredBootstrap.DEFAULT_REPLICATES, SEED);
  }

  private static List<Band> bands(List<Evaluation.Matched> matched) {
    List<Band> out = new ArrayList<>();
    for (int b = 0; b < BANDS.length - 1; b++) {
      long n = 0;
      long exact = 0;
      long hl = 0;
      for (Evaluation.Matched m : matched) {
        double d = m.reference().boundary();
        if (Double.isNaN(d) || d < BANDS[b] || d >= BANDS[b + 1]) {
          continue;
        }
        n++;
        exact += m.reference().grade() == m.predicted().grade() ? 1 : 0;
        hl += m.reference().high() == m.predicted().high() ? 1 : 0;
      }
      if (n > 0) {
        String hi = Double.isInfinite(BANDS[b + 1]) ? "inf" : String.valueOf(BANDS[b + 1]);
        out.add(new Band("[" + BANDS[b] + ", " + hi + ")", n, exact, hl));
      }
    }
    return out;
  }

  private static FalseAlarms falseAlarms(
      List<Evaluation.Matched> matched,
      List<Evaluation.Slice> notGraded,
      List<Evaluation.Slice> reference) {
    long normal = 0;
    long confident = 0;
    long uncertain = 0;
    long borderline = 0;
    for (Evaluation.Matched m : matched) {
      if (m.reference().grade() != 0) {
        continue;
      }
      normal++;
      if (m.predicted().high()) {
        if (m.predicted().uncertain()) {
          uncertain++;
        } else if (m.predicted().borderline()) {
          borderline++;
        } else {
          confident++;
        }
      }
    }
    Map<Evaluation.Key, Evaluation.Slice> ref = new LinkedHashMap<>();
    reference.forEach(r -> ref.put(r.key(), r));
    long skipped = 0;
    for (Evaluation.Slice p : notGraded) {
      Evaluation.Slice r = ref.get(p.key());
      if (r != null && r.grade() == 0) {
        skipped++;
      }
    }
    return new FalseAlarms(normal + skipped, confident, uncertain, borderline, skipped);
  }

  private static Localizer localizer(
      List<Evaluation.Slice> reference, Map<Evaluation.Key, Evaluation.Slice> predicted) {
    List<Double> ious = new ArrayList<>();
    long hits = 0;
    long noBox = 0;
    for (Evaluation.Slice r : reference) {
      Evaluation.Slice p = predicted.get(r.key());
      if (r.box() == null || p == null) {
        continue;
      }
      double iou = 0;
      if (p.box() == null) {
        noBox++;
      } else {
        iou = box(r.box()).iou(box(p.box()));
      }
      hits += iou >= HIT_IOU ? 1 : 0;
      ious.add(iou);
    }
    if (ious.isEmpty()
        || noBox == ious.size() && predicted.values().stream().allMatch(s -> s.box() == null)) {
      // The predictions carry no boxes at all (a CSV of grades): nothing to say about the canal.
      return new Localizer(0, 0, 0, Double.NaN);
    }
    double[] v = ious.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median =
        v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return new Localizer(v.length, hits, noBox, median);
  }

  private static CanalBox box(int[] b) {
    return new CanalBox(b[0], b[1], b[2], b[3]);
  }

  /** Lines for the text report. */
  static List<String> text(Report r) {
    List<String> out = new ArrayList<>();
    ClusteredBootstrap.Result c = r.clustered();
    out.add(
        "slice level, high vs low by the bundle's call, 95% intervals clustered by study (bootstrap over "
            + c.clusters()
            + " studies, "
            + c.replicates()
            + " replicates):");
    out.add("  Gwet's AC1:      " + StatsJson.text(c.ac1(), "undefined"));
    out.add("  sensitivity:     " + StatsJson.text(c.sensitivity(), "no reference high grade"));
    out.add("  specificity:     " + StatsJson.text(c.specificity(), "no reference low grade"));
    if (!r.bands().isEmpty()) {
      out.add("by distance to the nearest grade boundary (reference boundary_distance):");
      for (Band b : r.bands()) {
        out.add(
            String.format(
                java.util.Locale.ROOT,
                "  %-12s n %5d  exact grade %.3f  high/low %.3f",
                b.label(),
                b.n(),
                (double) b.exact() / b.n(),
                (double) b.highLow() / b.n()));
      }
    }
    FalseAlarms f = r.falseAlarms();
    if (f.normalSlices() > 0) {
      out.add(
          String.format(
              java.util.Locale.ROOT,
              "false alarms on %d reference grade-0 slices: %d confident high calls (%.2f per 100),"
                  + " %d high calls marked uncertain, %d borderline (below the confident band), %d"
                  + " not graded",
              f.normalSlices(),
              f.confidentHigh(),
              f.per100(),
              f.uncertainHigh(),
              f.borderlineHigh(),
              f.notGraded()));
    }
    Localizer l = r.localizer();
    if (l.referenceBoxes() > 0) {
      out.add(
          String.format(
              java.util.Locale.ROOT,
              "canal found (IoU >= %.1f) on %d of %d reference boxes (%.3f); %d not boxed;"
                  + " median IoU %.3f",
              HIT_IOU,
              l.hits(),
              l.referenceBoxes(),
              l.share(),
              l.noBox(),
              l.medianIou()));
    }
    return out;
  }

  /** The JSON members. */
  static Map<String, Object> document(Report r) {
    Map<String, Object> d = new LinkedHashMap<>();
    ClusteredBootstrap.Result c = r.clustered();
    Map<String, Object> cl = new LinkedHashMap<>();
    cl.put("studies", c.clusters());
    cl.put("replicates", c.replicates());
    cl.put("seed", SEED);
    cl.put("ac1", StatsJson.interval(c.ac1()));
    cl.put("sensitivity", StatsJson.interval(c.sensitivity()));
    cl.put("specificity", StatsJson.interval(c.specificity()));
    d.put("study_clustered", cl);
    List<Map<String, Object>> bands = new ArrayList<>();
    for (Band b : r.bands()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("band", b.label());
      m.put("n", b.n());
      m.put("exact", b.exact());
      m.put("high_low", b.highLow());
      bands.add(m);
    }
    d.put("boundary_bands", bands);
    FalseAlarms f = r.falseAlarms();
    Map<String, Object> fa = new LinkedHashMap<>();
    fa.put("normal_slices", f.normalSlices());
    fa.put("confident_high", f.confidentHigh());
    fa.put("per_100", Double.isNaN(f.per100()) ? null : f.per100());
    fa.put("uncertain_high", f.uncertainHigh());
    fa.put("borderline_high", f.borderlineHigh());
    fa.put("not_graded", f.notGraded());
    d.put("false_alarms", fa);
    Localizer l = r.localizer();
    Map<String, Object> lo = new LinkedHashMap<>();
    lo.put("reference_boxes", l.referenceBoxes());
    lo.put("hits", l.hits());
    lo.put("iou_threshold", HIT_IOU);
    lo.put("share", Double.isNaN(l.share()) ? null : l.share());
    lo.put("not_boxed", l.noBox());
    lo.put("median_iou", Double.isNaN(l.medianIou()) ? null : l.medianIou());
    d.put("localizer", lo);
    return d;
  }
}
