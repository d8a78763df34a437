package io.cordwatch.cli;

import io.cordwatch.stats.ConfusionMatrix;
import io.cordwatch.stats.Dichotomous;
import io.cordwatch.stats.Interval;
import io.cordwatch.stats.LandisKoch;
import io.cordwatch.stats.Reliability;
import io.cordwatch.stats.StudySummary;
import java.util.List;
import java.util.Locale;

/**
 * The {@code evaluate --html} report: one self-contained file (inline CSS and SVG, no scripts, no
 * external resources) that opens on an air-gapped reading-room workstation and prints. It is laid
 * out like a paper's results section: a results table, confusion matrices as heat maps shaded by
 * row (so each reference grade reads as "where did these slices go"), per-grade errors, per-study
 * outcomes, the reliability plot when probabilities are known, and every unmatched slice.
 */
final class EvaluationHtml {
  private EvaluationHtml() {}

  static String render(Evaluation.Result r, String reference, String predicted) {
    return render(r, reference, predicted, null);
  }

  /**
   * The report with the appliance's study verdicts against the reference ({@code verdicts}; null
   * when the predictions are not a grade document).
   */
  static String render(
      Evaluation.Result r, String reference, String predicted, StudyVerdicts verdicts) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>CordWatch evaluation</title><style>")
        .append("body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}")
        .append("th,td{border:1px solid #bbb;padding:.25em .6em;text-align:right}")
        .append("th{background:#f0f0f0}td.l,th.l{text-align:left}")
        .append("caption{text-align:left;font-weight:bold;padding:.3em 0}")
        .append(".note{color:#555;font-size:.9em}.bad{color:#b00}")
        .append("</style></head><body>\n");
    h.append("<h1>Bilsky grading: agreement with the reference</h1>\n");
    h.append("<p class=\"note\">Reference: ")
        .append(esc(reference))
        .append("<br>Predicted: ")
        .append(esc(predicted))
        .append("<br>High grade = 1c, 2, 3. Intervals are 95%: AC1 per Gwet (2008), kappa per")
        .append(" Fleiss, Cohen &amp; Everitt (1969), sensitivity and specificity exact")
        .append(" (Clopper-Pearson). Not for clinical use on its own.</p>\n");

    h.append("<h2>Slices</h2>\n<p>")
        .append(r.referenceSlices())
        .append(" reference, ")
        .append(r.predictedSlices())
        .append(" predicted, <b>")
        .append(r.matched().size())
        .append(" matched</b>; ")
        .append(r.referenceOnly().size())
        .append(" reference-only, ")
        .append(r.predictedOnly().size())
        .append(" predicted-only, ")
        .append(r.notGraded().size())
        .append(" predicted but not graded (listed at the end).</p>\n");

    h.append("<table><caption>Table 1. Agreement and diagnostic accuracy</caption>")
        .append("<tr><th class=\"l\">Statistic</th><th class=\"l\">Level</th><th>n</th>")
        .append("<th>Value</th><th>95% CI</th><th class=\"l\">Landis-Koch</th></tr>\n");
    long n = r.grades().n();
    row(h, "Gwet's AC1, 6 grades", "slice", n, r.ac1(), true);
    row(h, "Cohen's kappa, 6 grades", "slice", n, r.cohenKappa(), true);
    row(h, "Linearly weighted kappa", "slice", n, r.weightedKappa(), true);
    dichotomous(h, "slice", r.dichotomous());
    dichotomous(h, "study", r.studyDichotomous());
    h.append("</table>\n");

    h.append("<h2>Confusion matrices</h2>\n");
    heatMap(h, r.grades(), "Table 2. Slices by reference grade (rows) and predicted grade");
    heatMap(h, r.highLow(), "Table 3. Slices, high vs low grade (by the predicted grade)");
    heatMap(h, StudySummary.table(r.studies()), "Table 4. Studies, high vs low grade");

    h.append("<table><caption>Table 5. Errors by reference grade</caption>")
        .append("<tr><th class=\"l\">Reference grade</th><th>Slices</th><th>Correct</th>")
        .append("<th>Under-graded</th><th>Over-graded</th></tr>\n");
    for (Evaluation.PerGrade g : r.perGrade()) {
      h.append("<tr><td class=\"l\">")
          .append(esc(g.grade()))
          .append("</td><td>")
          .append(g.n())
          .append("</td><td>")
          .append(g.correct())
          .append("</td><td>")
          .append(g.under())
          .append("</td><td>")
          .append(g.over())
          .append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Robustness</h2>\n<pre>");
    EvaluationChecks.text(r.checks()).forEach(line -> h.append(esc(line)).append('\n'));
    h.append("</pre>\n");

    if (verdicts != null) {
      h.append("<h2>Study verdicts</h2>\n<pre>");
      verdicts.text().forEach(line -> h.append(esc(line)).append('\n'));
      h.append("</pre>\n");
    }

    h.append(
            "<h2>Studies</h2>\n<table><caption>Table 6. Per study (high if any slice is called high, by the bundle's P(high) threshold where it has one)")
        .append("</caption><tr><th class=\"l\">Study Instance UID</th><th>Slices</th>")
        .append("<th>Worst reference</th><th>Worst predicted</th><th>Slices agreeing</th>")
        .append("<th class=\"l\">High grade</th></tr>\n");
    for (StudySummary s : r.studies()) {
      boolean agree = s.referenceHigh() == s.readerHigh();
      h.append("<tr><td class=\"l\">")
          .append(esc(s.studyInstanceUid()))
          .append("</td><td>")
          .append(s.slices())
          .append("</td><td>")
          .append(esc(Evaluation.GRADES.get(s.worstReference())))
          .append("</td><td>")
          .append(esc(Evaluation.GRADES.get(s.worstReader())))
          .append("</td><td>")
          .append(s.sliceAgreements())
          .append("</td><td class=\"l")
          .append(agree ? "" : " bad")
          .append("\">")
          .append(agree ? (s.referenceHigh() ? "both high" : "both low") : "disagree")
          .append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Reliability</h2>\n");
    if (r.reliability().isEmpty()) {
      h.append("<p class=\"note\">The predictions carry no probabilities (a CSV of grades):")
          .append(" no reliability plot.</p>\n");
    } else {
      reliability(h, r.reliability());
    }

    h.append("<h2>Unmatched slices</h2>\n");
    unmatched(h, "Reference-only (no prediction)", r.referenceOnly());
    unmatched(h, "Predicted-only (no reference label)", r.predictedOnly());
    unmatched(h, "Predicted but not graded", r.notGraded());
    h.append("</body></html>\n");
    return h.toString();
  }

  static void dichotomous(StringBuilder h, String level, Dichotomous d) {
    row(h, "Gwet's AC1, high vs low", level, d.n(), d.ac1(), true);
    row(h, "Cohen's kappa, high vs low", level, d.n(), d.cohenKappa(), true);
    row(
        h,
        "Sensitivity (" + d.truePositives() + "/" + (d.truePositives() + d.falseNegatives()) + ")",
        level,
        d.truePositives() + d.falseNegatives(),
        d.sensitivity(),
        false);
    row(
        h,
        "Specificity (" + d.trueNegatives() + "/" + (d.trueNegatives() + d.falsePositives()) + ")",
        level,
        d.trueNegatives() + d.falsePositives(),
        d.specificity(),
        false);
  }

  static void row(StringBuilder h, String what, String level, long n, Interval i, boolean band) {
    h.append("<tr><td class=\"l\">")
        .append(esc(what))
        .append("</td><td class=\"l\">")
        .append(level)
        .append("</td><td>")
        .append(n)
        .append("</td><td>")
        .append(i.defined() ? fmt(i.value()) : "undefined")
        .append("</td><td>")
        .append(
            i.defined() && !Double.isNaN(i.lower())
                ? fmt(i.lower()) + " &ndash; " + fmt(i.upper())
                : "&ndash;")
        .append("</td><td class=\"l\">")
        .append(band && i.defined() ? LandisKoch.of(i.value()).label() : "")
        .append("</td></tr>\n");
  }

  /** A table whose cells are shaded by the row's share: white (0) to dark blue (all of the row). */
  static void heatMap(StringBuilder h, ConfusionMatrix m, String caption) {
    h.append("<table><caption>")
        .append(esc(caption))
        .append("</caption><tr><th class=\"l\">Reference \\ predicted</th>");
    for (String l : m.labels()) {
      h.append("<th>").append(esc(l)).append("</th>");
    }
    h.append("<th>Total</th></tr>\n");
    for (int i = 0; i < m.q(); i++) {
      long total = m.referenceTotal(i);
      h.append("<tr><th class=\"l\">").append(esc(m.labels().get(i))).append("</th>");
      for (int j = 0; j < m.q(); j++) {
        double share = total == 0 ? 0 : (double) m.count(i, j) / total;
        int red = (int) Math.round(255 - share * (255 - 8));
        int green = (int) Math.round(255 - share * (255 - 69));
        int blue = (int) Math.round(255 - share * (255 - 148));
        h.append(
                String.format(
                    Locale.ROOT,
                    "<td style=\"background:rgb(%d,%d,%d);color:%s%s\" title=\"%.0f%% of row\">",
                    red,
                    green,
                    blue,
                    share > 0.5 ? "#fff" : "#222",
                    i == j ? ";font-weight:bold" : "",
                    share * 100))
            .append(m.count(i, j))
            .append("</td>");
      }
      h.append("<td>").append(total).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void reliability(StringBuilder h, List<Reliability.Bin> bins) {
    int size = 320;
    int pad = 40;
    int span = size - 2 * pad;
    int max = bins.stream().mapToInt(Reliability.Bin::count).max().orElse(1);
    h.append("<p>Predicted probability of high grade (sum of p(1c), p(2), p(3)) against the")
        .append(" observed frequency of reference high grade, in tenths; circle area follows")
        .append(" the number of slices. On the diagonal the probabilities can be taken at face")
        .append(" value.</p>\n")
        .append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"reliability plot\">",
                size,
                size,
                size,
                size))
        .append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                    + " stroke=\"#888\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
                    + " stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>",
                pad,
                pad,
                span,
                span,
                pad,
                pad + span,
                pad + span,
                pad));
    for (int t = 0; t <= 10; t += 5) {
      double v = t / 10.0;
      h.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%.1f</text>"
                  + "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%.1f</text>",
              pad + v * span,
              pad + span + 14,
              v,
              pad - 4,
              pad + span - v * span + 3,
              v));
    }
    h.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">predicted"
                + " p(high)</text><text x=\"12\" y=\"%d\" font-size=\"11\""
                + " transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">observed"
                + " frequency</text>",
            size / 2,
            size - 6,
            size / 2,
            size / 2));
    StringBuilder line = new StringBuilder();
    for (Reliability.Bin b : bins) {
      double x = pad + b.meanPredicted() * span;
      double y = pad + span - b.observed() * span;
      line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      h.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#08519c\" fill-opacity=\"0.6\">"
                  + "<title>%d slices, mean p %.2f, observed %.2f</title></circle>",
              x,
              y,
              3 + 9 * Math.sqrt((double) b.count() / max),
              b.count(),
              b.meanPredicted(),
              b.observed()));
    }
    h.append("<polyline fill=\"none\" stroke=\"#08519c\" points=\"")
        .append(line.toString().strip())
        .append("\"/></svg>\n");
    h.append("<table><caption>Reliability bins</caption><tr><th>Bin</th><th>Slices</th>")
        .append("<th>Mean predicted</th><th>Observed</th></tr>\n");
    for (Reliability.Bin b : bins) {
      h.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%.1f&ndash;%.1f</td><td>%d</td><td>%.3f</td><td>%.3f</td></tr>%n",
              b.lower(),
              b.upper(),
              b.count(),
              b.meanPredicted(),
              b.observed()));
    }
    h.append("</table>\n");
  }

  private static void unmatched(StringBuilder h, String title, List<Evaluation.Slice> slices) {
    h.append("<h3>").append(esc(title)).append(": ").append(slices.size()).append("</h3>\n");
    if (slices.isEmpty()) {
      return;
    }
    h.append("<table><tr><th class=\"l\">SOP Instance UID</th><th>Frame</th>")
        .append("<th class=\"l\">Study</th><th class=\"l\">Status</th></tr>\n");
    for (Evaluation.Slice s : slices) {
      h.append("<tr><td class=\"l\">")
          .append(esc(s.key().sopInstanceUid()))
          .append("</td><td>")
          .append(s.key().frame())
          .append("</td><td class=\"l\">")
          .append(esc(s.studyInstanceUid() == null ? "" : s.studyInstanceUid()))
          .append("</td><td class=\"l\">")
          .append(esc(s.grade() < 0 ? s.status() : "graded"))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
