package io.cordwatch.cli;

import io.cordwatch.stats.ConfusionMatrix;
import io.cordwatch.stats.Dichotomous;
import java.util.List;
import java.util.Map;

/**
 * The {@code bundle shadow-report --html} report: one self-contained file like {@code evaluate
 * --html} (the same tables and heat maps, {@link EvaluationHtml}), with the active model in the
 * reference's place for the comparison of the two models, then each model against the readers. The
 * same content is the shadow section of the validation report ({@link #section}).
 */
final class ShadowReportHtml {
  private ShadowReportHtml() {}

  static String render(ShadowReport r) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>CordWatch shadow report</title><style>")
        .append("body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}")
        .append("th,td{border:1px solid #bbb;padding:.25em .6em;text-align:right}")
        .append("th{background:#f0f0f0}td.l,th.l{text-align:left}")
        .append("caption{text-align:left;font-weight:bold;padding:.3em 0}")
        .append(".note{color:#555;font-size:.9em}")
        .append("</style></head><body>\n");
    section(h, r, 1);
    h.append("</body></html>\n");
    return h.toString();
  }

  /**
   * The report's content without the page around it, its heading at {@code level} (1 for the shadow
   * report's own page, 2 inside the validation report), its parts one level below.
   */
  static void section(StringBuilder h, ShadowReport r, int level) {
    String hx = "<h" + level + ">";
    String hxEnd = "</h" + level + ">";
    String sub = "<h" + (level + 1) + ">";
    String subEnd = "</h" + (level + 1) + ">";
    h.append(hx)
        .append("Shadow bundle against the active bundle")
        .append(hxEnd)
        .append("\n<p>Shadow: <b>")
        .append(EvaluationHtml.esc(String.valueOf(r.shadow().get("id"))))
        .append("</b> (bundle.json sha256 ")
        .append(EvaluationHtml.esc(String.valueOf(r.shadow().get("manifest_sha256"))))
        .append(")<br>\n");
    for (Map<String, Object> a : r.active()) {
      h.append("Active: <b>")
          .append(EvaluationHtml.esc(String.valueOf(a.get("name"))))
          .append("</b> (sha256 ")
          .append(EvaluationHtml.esc(String.valueOf(a.get("bundle_sha256"))))
          .append("), ")
          .append(a.get("series"))
          .append(" series<br>\n");
    }
    Map<String, Object> d = r.data();
    h.append("Data: ")
        .append(d.get("series"))
        .append(" series of ")
        .append(d.get("studies"))
        .append(" studies graded by both, ")
        .append(EvaluationHtml.esc(String.valueOf(d.get("first_graded"))))
        .append(" to ")
        .append(EvaluationHtml.esc(String.valueOf(d.get("last_graded"))))
        .append("; readers reviewed ")
        .append(d.get("studies_reviewed"))
        .append(" studies and ")
        .append(d.get("slices_reviewed"))
        .append(" slices.</p>\n")
        .append("<p class=\"note\">A study's grade is its highest series verdict grade; high grade")
        .append(" = 1c, 2, 3 (slices too). Intervals are 95% (AC1 per Gwet")
        .append(
            " 2008; sensitivity and specificity exact). The shadow bundle's findings were never")
        .append(" published. Not for clinical use on its own.</p>\n");

    h.append(sub).append("Active against shadow").append(subEnd).append("\n");
    h.append("<table><caption>Agreement (active in the reference's place)</caption>")
        .append("<tr><th class=\"l\">Statistic</th><th class=\"l\">Level</th><th>n</th>")
        .append("<th>Value</th><th>95% CI</th><th class=\"l\">Landis-Koch</th></tr>\n");
    if (r.studyGrades() != null) {
      EvaluationHtml.row(
          h, "Gwet's AC1, 6 grades", "study", r.studyGrades().n(), r.studyAc1(), true);
      Dichotomous hl = r.studyHighLow();
      EvaluationHtml.row(h, "Gwet's AC1, high vs low", "study", hl.n(), hl.ac1(), true);
    }
    if (r.slices() != null) {
      EvaluationHtml.row(
          h, "Gwet's AC1, 6 grades", "slice", r.slices().grades().n(), r.slices().ac1(), true);
      Dichotomous s = r.slices().dichotomous();
      EvaluationHtml.row(h, "Gwet's AC1, high vs low", "slice", s.n(), s.ac1(), true);
    }
    h.append("</table>\n");
    if (r.studyGrades() != null) {
      EvaluationHtml.heatMap(h, r.studyGrades(), "Study grades: active (rows) \\ shadow");
    }
    EvaluationHtml.heatMap(
        h,
        ConfusionMatrix.of(ShadowReport.GROUPS, r.groups()),
        "Series verdicts: active (rows) \\ shadow");
    if (r.slices() != null) {
      EvaluationHtml.heatMap(h, r.slices().grades(), "Slice grades: active (rows) \\ shadow");
    }

    for (var side :
        List.of(Map.entry("Active", r.activeReaders()), Map.entry("Shadow", r.shadowReaders()))) {
      h.append(sub)
          .append(side.getKey())
          .append(" against the readers")
          .append(subEnd)
          .append("\n");
      ShadowReport.Readers rd = side.getValue();
      if (rd.studies() == null && rd.slices() == null) {
        h.append("<p>No reviewed study or slice among the compared series.</p>\n");
        continue;
      }
      h.append("<table><caption>Readers in the reference's place</caption>")
          .append("<tr><th class=\"l\">Statistic</th><th class=\"l\">Level</th><th>n</th>")
          .append("<th>Value</th><th>95% CI</th><th class=\"l\">Landis-Koch</th></tr>\n");
      if (rd.studies() != null) {
        EvaluationHtml.dichotomous(h, "study", rd.studies());
      }
      if (rd.slices() != null) {
        EvaluationHtml.dichotomous(h, "slice", rd.slices().dichotomous());
      }
      h.append("</table>\n");
    }
  }
}
