package io.cordwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cordwatch.adapt.CrossValidatedOperatingPoint;
import io.cordwatch.adapt.LabelledFolder;
import io.cordwatch.adapt.LabelledStudies;
import io.cordwatch.adapt.OperatingPoint;
import io.cordwatch.dicom.ScannerFacts;
import io.cordwatch.grade.Verdict;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.stats.Dichotomous;
import io.cordwatch.stats.Interval;
import io.cordwatch.stats.NearestRank;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code cordwatch validate} report in its three forms (text, JSON, HTML): the evaluation of
 * {@code cordwatch evaluate} plus what a site's local validation needs besides: which bundle (name,
 * SHA-256 of its manifest) and which data (folders, counts, study dates; for an appliance's reviews
 * what they cover: studies, series, slices, confirmed and corrected, how many reviewers, the dates
 * of the decisions, and what was left out), agreement per scanner, series verdicts with the
 * indeterminate rate, the appliance's verdicts per study against the labels ({@link StudyVerdicts}:
 * the high-grade studies it called low), the OOD score distribution, the site's own operating point
 * (chosen on all its slices, and cross-validated by study: what to expect on new studies), and for
 * each appliance data directory the shadow comparison ({@link ValidationShadow}). No patient or
 * user names or IDs appear (an appliance's studies go by their tags); study dates do (the report
 * stays on the box).
 */
record ValidationReport(
    Map<String, Object> bundle,
    Map<String, Object> data,
    Map<String, Dichotomous> perScanner,
    Map<String, Long> verdicts,
    StudyVerdicts studyVerdicts,
    Map<String, Double> ood,
    OperatingPoint operatingPoint,
    CrossValidatedOperatingPoint heldOut,
    List<ValidationShadow> shadow,
    Evaluation.Result evaluation) {

  static ValidationReport of(
      Bundle b,
      Path bundlePath,
      List<LabelledStudies> sources,
      String boxes,
      ValidateCommand.SiteData site,
      Evaluation.Result r,
      StudyVerdicts studyVerdicts,
      OperatingPoint op,
      CrossValidatedOperatingPoint heldOut,
      List<ValidationShadow> shadow) {
    Map<String, Object> bundle = new LinkedHashMap<>();
    bundle.put("name", b.name());
    Path manifest = bundlePath.resolve(Bundles.MANIFEST);
    bundle.put(
        "manifest_sha256",
        Files.isRegularFile(manifest) ? Bundles.sha256(manifest) : Bundles.sha256(bundlePath));
    bundle.put("clinical_use", b.provenance().clinicalUse());
    bundle.put(
        "high_threshold", b.highThreshold().isPresent() ? b.highThreshold().getAsDouble() : null);
    if (b.provenance().parent() != null) {
      bundle.put("parent", b.provenance().parent().name());
    }

    Map<String, List<Evaluation.Matched>> byScanner = new TreeMap<>();
    List<String> dates = new ArrayList<>();
    for (Evaluation.Matched m : r.matched()) {
      ScannerFacts f = site.scanners().get(m.reference().key().sopInstanceUid());
      byScanner.computeIfAbsent(f == null ? "unknown" : f.label(), k -> new ArrayList<>()).add(m);
      if (f != null && f.studyDate() != null) {
        dates.add(f.studyDate());
      }
    }
    Map<String, Dichotomous> perScanner = new LinkedHashMap<>();
    byScanner.forEach((k, v) -> perScanner.put(k, ValidateCommand.perScanner(v)));

    Map<String, Object> data = new LinkedHashMap<>();
    data.put(
        "folders",
        sources.stream().filter(s -> s instanceof LabelledFolder).map(s -> s.name()).toList());
    data.put("sources", sources.stream().map(LabelledStudies::describe).toList());
    data.put("boxes", boxes);
    data.put("reference_slices", r.referenceSlices());
    data.put("matched_slices", r.matched().size());
    data.put("studies", r.studies().size());
    data.put("first_study_date", dates.isEmpty() ? null : Collections.min(dates));
    data.put("last_study_date", dates.isEmpty() ? null : Collections.max(dates));

    Map<String, Long> verdicts = new LinkedHashMap<>();
    for (String g : List.of(Verdict.HIGH, Verdict.LOW, Verdict.INDETERMINATE)) {
      verdicts.put(g, 0L);
    }
    for (GradeCommand.StudyOut st : site.studies()) {
      for (GradeCommand.SeriesOut se : st.series()) {
        if (se.verdict() != null) {
          verdicts.merge(se.verdict().group(), 1L, Long::sum);
          if (se.verdict().indeterminateReason() != null) {
            verdicts.merge("indeterminate: " + se.verdict().indeterminateReason(), 1L, Long::sum);
          }
        }
      }
    }

    Map<String, Double> ood = new LinkedHashMap<>();
    double[] sorted = site.ood().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    ood.put("n", (double) sorted.length);
    if (sorted.length > 0) {
      for (double q : new double[] {0.5, 0.9, 0.99}) {
        ood.put(
            String.format(Locale.ROOT, "p%02d", (int) Math.round(q * 100)),
            NearestRank.quantile(sorted, q));
      }
      ood.put("max", sorted[sorted.length - 1]);
      ood.put(
          "above_threshold_fraction",
          Arrays.stream(sorted).filter(x -> x > b.oodThreshold()).count() / (double) sorted.length);
    }
    return new ValidationReport(
        bundle, data, perScanner, verdicts, studyVerdicts, ood, op, heldOut, shadow, r);
  }

  void text(java.io.PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "bundle %s (bundle.json sha256 %s)%n",
        bundle.get("name"),
        bundle.get("manifest_sha256"));
    out.printf(
        Locale.ROOT,
        "data: %s slices matched of %s labelled, %s studies, study dates %s to %s, boxes %s%n",
        data.get("matched_slices"),
        data.get("reference_slices"),
        data.get("studies"),
        data.get("first_study_date"),
        data.get("last_study_date"),
        data.get("boxes"));
    for (String line : sourceLines()) {
      out.println("  " + line);
    }
    var c = evaluation.checks().clustered();
    out.printf(
        Locale.ROOT,
        "slices, high vs low by the bundle's call (95%% CI by study): AC1 %s  sensitivity %s"
            + "  specificity %s%n",
        band(c.ac1()),
        band(c.sensitivity()),
        band(c.specificity()));
    out.printf(
        Locale.ROOT, "slices, 6 grades (nearest prototype): AC1 %s%n", band(evaluation.ac1()));
    out.println("per scanner (slices, high vs low):");
    perScanner.forEach(
        (k, v) ->
            out.printf(
                Locale.ROOT,
                "  %-40s n %5d  AC1 %s  sensitivity %s  specificity %s%n",
                k,
                v.n(),
                band(v.ac1()),
                band(v.sensitivity()),
                band(v.specificity())));
    out.println("series verdicts: " + verdicts);
    studyVerdicts.text().forEach(out::println);
    out.println("OOD score: " + ood);
    if (operatingPoint == null) {
      out.println("site threshold: none (no high-grade slices graded)");
    } else {
      out.printf(
          Locale.ROOT,
          "site threshold: P(high) >= %.4f gives sensitivity %s, specificity %s on %d high and %d"
              + " low slices (in sample: chosen on the same slices)%n",
          operatingPoint.threshold(),
          band(operatingPoint.sensitivity()),
          band(operatingPoint.specificity()),
          operatingPoint.positives(),
          operatingPoint.negatives());
      out.println("  " + heldOutLine());
    }
    for (ValidationShadow sh : shadow) {
      sh.text(out);
    }
  }

  /** The cross-validated estimate in one line (text and HTML). */
  String heldOutLine() {
    CrossValidatedOperatingPoint cv = heldOut;
    String head =
        String.format(
            Locale.ROOT,
            "cross-validated by study (%d folds, seed %d, %d studies): ",
            cv.folds(),
            cv.seed(),
            cv.studies());
    if (cv.notEstimated() != null) {
      return head + "not estimated: " + cv.notEstimated();
    }
    return head
        + String.format(
            Locale.ROOT,
            "sensitivity %s [%d/%d], specificity %s [%d/%d] on held-out studies, thresholds"
                + " chosen per fold %s: what the site can expect on new studies",
            band(cv.sensitivity()),
            cv.found(),
            cv.positives(),
            band(cv.specificity()),
            cv.rejected(),
            cv.negatives(),
            cv.thresholds().stream().map(t -> String.format(Locale.ROOT, "%.4f", t)).toList());
  }

  String json() throws JsonProcessingException {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("bundle", bundle);
    d.put("data", data);
    d.put("evaluation", EvaluateCommand.document(evaluation));
    Map<String, Object> scanners = new LinkedHashMap<>();
    perScanner.forEach((k, v) -> scanners.put(k, AgreementCommand.document(v)));
    d.put("per_scanner", scanners);
    d.put("series_verdicts", verdicts);
    d.put("study_verdicts", studyVerdicts.document());
    d.put("ood", ood);
    if (operatingPoint != null) {
      Map<String, Object> op = new LinkedHashMap<>();
      op.put("threshold", operatingPoint.threshold());
      op.put("sensitivity", StatsJson.interval(operatingPoint.sensitivity()));
      op.put("specificity", StatsJson.interval(operatingPoint.specificity()));
      op.put("high_slices", operatingPoint.positives());
      op.put("low_slices", operatingPoint.negatives());
      op.put("chosen_on", "the same slices (in sample)");
      op.put("cross_validated", heldOutDocument());
      d.put("site_operating_point", op);
    }
    d.put("shadow", shadow.stream().map(ValidationShadow::document).toList());
    return GradeCommand.JSON.writeValueAsString(d);
  }

  private Map<String, Object> heldOutDocument() {
    CrossValidatedOperatingPoint cv = heldOut;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("folds", cv.folds());
    m.put("seed", cv.seed());
    m.put("studies", cv.studies());
    if (cv.notEstimated() != null) {
      m.put("not_estimated", cv.notEstimated());
      return m;
    }
    m.put("thresholds", cv.thresholds());
    m.put("sensitivity", StatsJson.interval(cv.sensitivity()));
    m.put("specificity", StatsJson.interval(cv.specificity()));
    m.put("high_slices", cv.positives());
    m.put("high_slices_found", cv.found());
    m.put("low_slices", cv.negatives());
    m.put("low_slices_rejected", cv.rejected());
    return m;
  }

  /** The evaluation report with this report's sections before its end. */
  String html(String evaluationHtml) {
    StringBuilder h = new StringBuilder();
    h.append("<h2>Local validation</h2>\n<p class=\"note\">Bundle <b>")
        .append(esc(String.valueOf(bundle.get("name"))))
        .append("</b>, bundle.json SHA-256 ")
        .append(esc(String.valueOf(bundle.get("manifest_sha256"))))
        .append(". Data: ")
        .append(data.get("matched_slices"))
        .append(" slices of ")
        .append(data.get("studies"))
        .append(" studies, study dates ")
        .append(esc(String.valueOf(data.get("first_study_date"))))
        .append(" to ")
        .append(esc(String.valueOf(data.get("last_study_date"))))
        .append(", canal boxes ")
        .append(esc(String.valueOf(data.get("boxes"))))
        .append(".</p>\n<ul>\n");
    for (String line : sourceLines()) {
      h.append("<li>").append(esc(line)).append("</li>\n");
    }
    h.append("</ul>\n");
    h.append("<table><caption>Agreement per scanner (slices, high vs low)</caption>")
        .append("<tr><th class=\"l\">Scanner</th><th>n</th><th>AC1</th><th class=\"l\"></th>")
        .append("<th>Sensitivity</th><th>Specificity</th></tr>\n");
    perScanner.forEach(
        (k, v) -> {
          double ac1 = v.ac1().value();
          int width = Double.isFinite(ac1) ? (int) Math.round(Math.max(0, ac1) * 200) : 0;
          h.append("<tr><td class=\"l\">")
              .append(esc(k))
              .append("</td><td>")
              .append(v.n())
              .append("</td><td>")
              .append(band(v.ac1()))
              .append("</td><td class=\"l\"><svg width=\"200\" height=\"12\"><rect width=\"")
              .append(width)
              .append("\" height=\"12\" fill=\"#4a7\"/></svg></td><td>")
              .append(band(v.sensitivity()))
              .append("</td><td>")
              .append(band(v.specificity()))
              .append("</td></tr>\n");
        });
    h.append("</table>\n<p>Series verdicts: ")
        .append(esc(verdicts.toString()))
        .append("<br>OOD scores of graded slices: ")
        .append(esc(ood.toString()))
        .append("</p>\n");
    if (operatingPoint != null) {
      h.append("<p><b>Site operating point</b>: P(high) &ge; ")
          .append(String.format(Locale.ROOT, "%.4f", operatingPoint.threshold()))
          .append(" gives sensitivity ")
          .append(band(operatingPoint.sensitivity()))
          .append(" and specificity ")
          .append(band(operatingPoint.specificity()))
          .append(" on the slices it was chosen on (in sample; exact 95% intervals).<br>\n")
          .append(esc(heldOutLine()))
          .append(".</p>\n<p class=\"note\">Believe the cross-validated figures: each slice there")
          .append(" is called by a threshold chosen on other studies, as a new patient's would be.")
          .append(" The in-sample sensitivity reaches the target by construction.</p>\n");
    }
    for (ValidationShadow sh : shadow) {
      sh.html(h);
    }
    int end = evaluationHtml.lastIndexOf("</body>");
    return end < 0
        ? evaluationHtml + h
        : evaluationHtml.substring(0, end) + h + evaluationHtml.substring(end);
  }

  /** One line per source of data: a folder, or what an appliance's reviews cover. */
  List<String> sourceLines() {
    List<String> out = new ArrayList<>();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> sources = (List<Map<String, Object>>) data.get("sources");
    for (Map<String, Object> d : sources) {
      if (!"appliance".equals(d.get("kind"))) {
        out.add("folder " + d.get("folder") + " (labels.csv)");
        continue;
      }
      out.add(
          String.format(
              Locale.ROOT,
              "appliance %s: %s slice decisions (%s confirmed, %s corrected) by %s reviewer(s),"
                  + " decided %s to %s (UTC), on %s series of %s studies; not used: %s study"
                  + " decision(s) (a study grade names no single slice) and %s graded series of"
                  + " those studies without a slice decision; canal boxes: %s",
              d.get("data_dir"),
              d.get("slices"),
              d.get("confirmed"),
              d.get("corrected"),
              d.get("reviewers"),
              d.get("first_decision"),
              d.get("last_decision"),
              d.get("series"),
              d.get("studies"),
              d.get("study_decisions_not_used"),
              d.get("unreviewed_series_not_used"),
              "supplied".equals(data.get("boxes"))
                  ? "the " + d.get("stored_boxes") + " its grading used (stored with the results)"
                  : "this bundle's localizer"));
    }
    return out;
  }

  private static String band(Interval i) {
    if (!Double.isFinite(i.value())) {
      return "-";
    }
    if (!Double.isFinite(i.lower())) {
      return String.format(Locale.ROOT, "%.3f", i.value());
    }
    return String.format(Locale.ROOT, "%.3f (%.3f-%.3f)", i.value(), i.lower(), i.upper());
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
