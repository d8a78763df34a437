package io.cordwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.stats.Agreement;
import io.cordwatch.stats.ConfusionMatrix;
import io.cordwatch.stats.Dichotomous;
import io.cordwatch.stats.Interval;
import io.cordwatch.store.IndexSnapshot;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.store.ShadowResults;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code bundle shadow-report}: the shadow bundle against the active one on the series both
 * graded, and each against the site's readers where they reviewed. The statistics are the ones
 * {@code cordwatch evaluate} computes ({@link Evaluation} for slices, {@code stats.*} for studies),
 * with the active model in the reference's place when the two models are compared.
 *
 * <p>A study's grade is the highest verdict grade over its series graded by both models (a series
 * verdict without a grade, all slices unreadable or without a box, is left out and counted). High
 * grade is 1c, 2 or 3; at slice level {@link Evaluation}'s figures are as {@code evaluate} gives
 * them (high vs low by grade, its study lines by each model's own P(high) call). Readers' study
 * grades are their latest study-level confirm/correct decisions; their slice grades the latest
 * slice decisions.
 *
 * @param shadow the shadow bundle: {@code id}, {@code manifest_sha256}
 * @param active each active bundle that made the compared verdicts: {@code name}, {@code
 *     bundle_sha256}, {@code series}
 * @param data counts and the dates the series were graded in shadow (UTC)
 * @param studyGrades study grades, active (rows) against shadow (columns); null without any
 * @param groups series verdict groups, active (rows) against shadow (columns): high, low,
 *     indeterminate
 * @param slices slice grades, active as reference, shadow as predicted; null without any
 * @param activeReaders the active model against the readers
 * @param shadowReaders the shadow model against the readers
 */
record ShadowReport(
    Map<String, Object> shadow,
    List<Map<String, Object>> active,
    Map<String, Object> data,
    ConfusionMatrix studyGrades,
    long[][] groups,
    Evaluation.Result slices,
    Readers activeReaders,
    Readers shadowReaders) {

  static final List<String> GROUPS = List.of("high", "low", "indeterminate");

  /** Nothing in shadow here, or nothing graded by both. */
  static final class NothingToCompare extends Exception {
    private static final long serialVersionUID = 1L;

    NothingToCompare(String message) {
      super(message);
    }
  }

  /**
   * One model against the readers.
   *
   * @param studies study level, high vs low; null when no reviewed study has a grade from it
   * @param slices slice level; null when no reviewed slice was graded by it
   */
  record Readers(Dichotomous studies, Evaluation.Result slices) {}

  /**
   * The report on {@code bundleId}, or on the shadow bundle now (else the last one) when null, read
   * in one read transaction of {@code index}: safe while the appliance runs, and nothing written.
   */
  static ShadowReport of(IndexSnapshot index, String bundleId) throws NothingToCompare {
    Read read =
        index.read(
            v -> {
              String id = bundleId;
              if (id == null) {
                id = v.shadowBundleNow().orElse(null);
              }
              if (id == null) {
                id = v.shadowBundles().stream().findFirst().orElse(null);
              }
              if (id == null) {
                return new Read(null, List.of(), List.of());
              }
              List<ShadowResults.Pair> pairs = v.shadowPairs(id);
              return new Read(id, pairs, pairs.isEmpty() ? List.of() : v.currentReviews());
            });
    if (read.id() == null) {
      throw new NothingToCompare(
          "no bundle has graded in shadow here (start one with: cordwatch bundle shadow ID)");
    }
    if (read.pairs().isEmpty()) {
      throw new NothingToCompare(
          "no series was graded by both the active model and "
              + read.id()
              + " yet (series graded after it was put in shadow count)");
    }
    return of(read.id(), read.pairs(), read.reviews());
  }

  /** What one read transaction took from the index. */
  private record Read(String id, List<ShadowResults.Pair> pairs, List<ReviewRow> reviews) {}

  /** The report from the stored pairs and the readers' current decisions. */
  static ShadowReport of(String id, List<ShadowResults.Pair> pairs, List<ReviewRow> reviews) {
    Map<String, Object> shadow = new LinkedHashMap<>();
    shadow.put("id", id);
    shadow.put("manifest_sha256", pairs.getLast().shadow().bundleSha256());

    Map<String, Map<String, Object>> actives = new LinkedHashMap<>();
    Map<String, Integer> activeStudy = new TreeMap<>();
    Map<String, Integer> shadowStudy = new TreeMap<>();
    Set<String> studies = new HashSet<>();
    long[][] groups = new long[GROUPS.size()][GROUPS.size()];
    List<Evaluation.Slice> activeSlices = new ArrayList<>();
    List<Evaluation.Slice> shadowSlices = new ArrayList<>();
    int activeNoGrade = 0;
    int shadowNoGrade = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (ShadowResults.Pair p : pairs) {
      ShadowResults.Row s = p.shadow();
      String study = s.studyUid();
      studies.add(study);
      first = Math.min(first, s.atMs());
      last = Math.max(last, s.atMs());
      JsonNode verdict = VerdictJson.tree(p.activeVerdictJson());
      JsonNode model = verdict.path("model");
      String key = model.path("name").asText("?") + " " + model.path("bundle_sha256").asText("");
      Map<String, Object> a =
          actives.computeIfAbsent(
              key,
              k -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", model.path("name").asText(null));
                m.put("bundle_sha256", model.path("bundle_sha256").asText(null));
                m.put("series", 0);
                return m;
              });
      a.put("series", (Integer) a.get("series") + 1);
      int ag = gradeIndex(verdict.path("grade").asText(null));
      int sg = gradeIndex(s.grade());
      activeNoGrade += ag < 0 ? 1 : 0;
      shadowNoGrade += sg < 0 ? 1 : 0;
      if (ag >= 0) {
        activeStudy.merge(study, ag, Math::max);
      }
      if (sg >= 0) {
        shadowStudy.merge(study, sg, Math::max);
      }
      int agr = GROUPS.indexOf(verdict.path("group").asText());
      int sgr = GROUPS.indexOf(s.group());
      if (agr >= 0 && sgr >= 0) {
        groups[agr][sgr]++;
      }
      for (SliceRow r : p.activeSlices()) {
        activeSlices.add(
            new Evaluation.Slice(
                new Evaluation.Key(r.sopInstanceUid(), r.frame()),
                study,
                gradeIndex(r.grade()),
                r.pHigh() == null ? Double.NaN : r.pHigh(),
                r.status(),
                Boolean.TRUE.equals(r.uncertain()),
                false,
                r.highCall(),
                r.box(),
                Double.NaN));
      }
      for (JsonNode n : VerdictJson.tree(s.slicesJson())) {
        shadowSlices.add(
            new Evaluation.Slice(
                new Evaluation.Key(n.path("sop_instance_uid").asText(), n.path("frame").asInt()),
                study,
                gradeIndex(n.path("grade").asText(null)),
                n.path("p_high").isNumber() ? n.path("p_high").asDouble() : Double.NaN,
                n.path("status").asText(),
                n.path("uncertain").asBoolean(false),
                false,
                n.path("high_call").isBoolean() ? n.path("high_call").asBoolean() : null,
                null,
                Double.NaN));
      }
    }

    ConfusionMatrix studyGrades = null;
    for (String study : studies) {
      Integer ag = activeStudy.get(study);
      Integer sg = shadowStudy.get(study);
      if (ag != null && sg != null) {
        studyGrades =
            (studyGrades == null ? ConfusionMatrix.empty(Evaluation.GRADES) : studyGrades)
                .add(ag, sg);
      }
    }

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("series", pairs.size());
    data.put("studies", studies.size());
    data.put("series_without_grade_active", activeNoGrade);
    data.put("series_without_grade_shadow", shadowNoGrade);
    data.put("first_graded", Instant.ofEpochMilli(first).toString());
    data.put("last_graded", Instant.ofEpochMilli(last).toString());

    List<Evaluation.Slice> studyReviews = new ArrayList<>();
    List<Evaluation.Slice> sliceReviews = new ArrayList<>();
    for (ReviewRow r : reviews) {
      int g = gradeIndex(r.grade());
      if (!studies.contains(r.studyUid()) || g < 0) {
        continue;
      }
      if (r.studyLevel()) {
        studyReviews.add(
            new Evaluation.Slice(
                new Evaluation.Key(r.studyUid(), -1), r.studyUid(), g, Double.NaN, "reviewed"));
      } else {
        sliceReviews.add(
            new Evaluation.Slice(
                new Evaluation.Key(r.sopInstanceUid(), r.frame() == null ? 0 : r.frame()),
                r.studyUid(),
                g,
                Double.NaN,
                "reviewed"));
      }
    }
    data.put("studies_reviewed", studyReviews.size());
    data.put("slices_reviewed", sliceReviews.size());
    return new ShadowReport(
        shadow,
        new ArrayList<>(actives.values()),
        data,
        studyGrades,
        groups,
        // The active model stands where the reference does: only its graded slices.
        evaluate(activeSlices.stream().filter(x -> x.grade() >= 0).toList(), shadowSlices),
        readers(studyReviews, activeStudy, sliceReviews, activeSlices),
        readers(studyReviews, shadowStudy, sliceReviews, shadowSlices));
  }

  private static Readers readers(
      List<Evaluation.Slice> studyReviews,
      Map<String, Integer> modelStudy,
      List<Evaluation.Slice> sliceReviews,
      List<Evaluation.Slice> modelSlices) {
    long tp = 0;
    long fn = 0;
    long fp = 0;
    long tn = 0;
    for (Evaluation.Slice r : studyReviews) {
      Integer g = modelStudy.get(r.studyInstanceUid());
      if (g == null) {
        continue;
      }
      boolean readerHigh = r.grade() >= Evaluation.FIRST_HIGH;
      boolean modelHigh = g >= Evaluation.FIRST_HIGH;
      if (readerHigh) {
        tp += modelHigh ? 1 : 0;
        fn += modelHigh ? 0 : 1;
      } else {
        fp += modelHigh ? 1 : 0;
        tn += modelHigh ? 0 : 1;
      }
    }
    Dichotomous studies = tp + fn + fp + tn == 0 ? null : Dichotomous.of(tp, fn, fp, tn);
    return new Readers(
        studies, sliceReviews.isEmpty() ? null : evaluate(sliceReviews, modelSlices));
  }

  /** {@link Evaluation#evaluate}, or null when no slice is graded on both sides. */
  private static Evaluation.Result evaluate(
      List<Evaluation.Slice> reference, List<Evaluation.Slice> predicted) {
    try {
      return Evaluation.evaluate(reference, predicted);
    } catch (Evaluation.InputException e) {
      return null;
    }
  }

  private static int gradeIndex(String grade) {
    return grade == null ? -1 : Evaluation.GRADES.indexOf(grade);
  }

  /** Gwet's AC1 on the 6 study grades, or undefined without studies. */
  Interval studyAc1() {
    return studyGrades == null ? Interval.UNDEFINED : Agreement.gwetAc1(studyGrades);
  }

  /** High vs low on the study grades, or null without studies. */
  Dichotomous studyHighLow() {
    return studyGrades == null
        ? null
        : Dichotomous.of(studyGrades.dichotomize(Evaluation.FIRST_HIGH));
  }

  /** The whole report as {@code bundle shadow-report --json} writes it. */
  String json() {
    return VerdictJson.write(document(true));
  }

  /**
   * The report as the validation report's shadow section holds it: the same bundles, data, study
   * agreement and series verdicts, and at slice level only the summary figures (AC1, sensitivity
   * and specificity with their intervals), so no instance or study UID appears.
   */
  Map<String, Object> summary() {
    return document(false);
  }

  private Map<String, Object> document(boolean full) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("shadow_bundle", shadow);
    d.put("active_bundles", active);
    d.put("data", data);
    Map<String, Object> models = new LinkedHashMap<>();
    Map<String, Object> st = new LinkedHashMap<>();
    if (studyGrades != null) {
      st.put("n", studyGrades.n());
      st.put("grades", studyGrades.labels());
      st.put("confusion_matrix", studyGrades.counts());
      st.put("ac1", StatsJson.interval(studyAc1()));
      st.put("high_low", AgreementCommand.document(studyHighLow()));
    }
    models.put("studies", st);
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("groups", GROUPS);
    g.put("confusion_matrix", groups);
    models.put("series_verdicts", g);
    models.put("slices", slices == null ? null : slices(slices, full));
    d.put("active_vs_shadow", models);
    d.put("active_vs_readers", readersJson(activeReaders, full));
    d.put("shadow_vs_readers", readersJson(shadowReaders, full));
    return d;
  }

  private static Map<String, Object> readersJson(Readers r, boolean full) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("studies", r.studies() == null ? null : AgreementCommand.document(r.studies()));
    m.put("slices", r.slices() == null ? null : slices(r.slices(), full));
    return m;
  }

  private static Map<String, Object> slices(Evaluation.Result r, boolean full) {
    if (full) {
      return EvaluateCommand.document(r);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", r.grades().n());
    m.put("ac1", StatsJson.interval(r.ac1()));
    m.put("high_low", AgreementCommand.document(r.dichotomous()));
    return m;
  }

  void text(PrintWriter out) {
    out.println(
        "shadow bundle: " + shadow.get("id") + " (sha256 " + shadow.get("manifest_sha256") + ")");
    for (Map<String, Object> a : active) {
      out.println(
          "active bundle: "
              + a.get("name")
              + " (sha256 "
              + a.get("bundle_sha256")
              + "), "
              + a.get("series")
              + " series");
    }
    out.println(
        "data: "
            + data.get("series")
            + " series of "
            + data.get("studies")
            + " studies graded by both, "
            + data.get("first_graded")
            + " to "
            + data.get("last_graded")
            + "; readers reviewed "
            + data.get("studies_reviewed")
            + " of the studies and "
            + data.get("slices_reviewed")
            + " slices");
    out.println();
    out.println("active vs shadow, studies (highest series grade), n = " + n(studyGrades) + ":");
    out.println(
        "  Gwet's AC1, 6 grades:  " + StatsJson.text(studyAc1(), "no study graded by both"));
    Dichotomous hl = studyHighLow();
    if (hl != null) {
      out.println(
          "  high vs low: AC1 "
              + StatsJson.text(hl.ac1(), "no subjects")
              + "; both high "
              + hl.truePositives()
              + ", active only "
              + hl.falseNegatives()
              + ", shadow only "
              + hl.falsePositives()
              + ", both low "
              + hl.trueNegatives());
    }
    out.println("  series verdicts (rows active, columns shadow: high, low, indeterminate):");
    for (int i = 0; i < GROUPS.size(); i++) {
      out.printf(
          "    %-13s %5d %5d %5d%n", GROUPS.get(i), groups[i][0], groups[i][1], groups[i][2]);
    }
    if (slices != null) {
      out.println("active vs shadow, slices, n = " + slices.grades().n() + ":");
      out.println("  Gwet's AC1, 6 grades:  " + StatsJson.text(slices.ac1(), "no subjects"));
      out.println(
          "  high vs low AC1:       " + StatsJson.text(slices.dichotomous().ac1(), "no subjects"));
    }
    readersText(out, "active", activeReaders);
    readersText(out, "shadow", shadowReaders);
  }

  private static void readersText(PrintWriter out, String which, Readers r) {
    out.println(which + " vs readers:");
    if (r.studies() == null && r.slices() == null) {
      out.println("  no reviewed study or slice among the compared series");
      return;
    }
    if (r.studies() != null) {
      out.println("  studies, n = " + r.studies().n() + ": " + sensSpec(r.studies()));
    }
    if (r.slices() != null) {
      out.println(
          "  slices, n = " + r.slices().grades().n() + ": " + sensSpec(r.slices().dichotomous()));
    }
  }

  private static String sensSpec(Dichotomous d) {
    return "sensitivity "
        + StatsJson.text(d.sensitivity(), "no reader high grade")
        + " ["
        + d.truePositives()
        + "/"
        + (d.truePositives() + d.falseNegatives())
        + "], specificity "
        + StatsJson.text(d.specificity(), "no reader low grade")
        + " ["
        + d.trueNegatives()
        + "/"
        + (d.trueNegatives() + d.falsePositives())
        + "]";
  }

  private static long n(ConfusionMatrix m) {
    return m == null ? 0 : m.n();
  }
}
