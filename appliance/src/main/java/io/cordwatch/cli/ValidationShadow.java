package io.cordwatch.cli;

import io.cordwatch.store.IndexSnapshot;
import io.cordwatch.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validation report's shadow section for one appliance data directory: the {@code bundle
 * shadow-report} comparison ({@link ShadowReport}, the same computation) of the bundle in shadow
 * there (else the last one that was) with the active one and with the readers, or one line saying
 * why there is none. Read through {@link IndexSnapshot} like the reviews: read-only, safe while the
 * appliance runs.
 *
 * @param dataDir the data directory, as given
 * @param report the comparison; null when there is none
 * @param none why there is no comparison; null when there is one
 */
record ValidationShadow(String dataDir, ShadowReport report, String none) {

  static ValidationShadow read(Path dataDir) {
    try (IndexSnapshot index = IndexSnapshot.open(dataDir.resolve("index.db"))) {
      return new ValidationShadow(dataDir.toString(), ShadowReport.of(index, null), null);
    } catch (ShadowReport.NothingToCompare e) {
      return new ValidationShadow(dataDir.toString(), null, e.getMessage());
    } catch (StoreException e) {
      return new ValidationShadow(
          dataDir.toString(), null, "shadow results not read: " + e.getMessage());
    }
  }

  Map<String, Object> document() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("data_dir", dataDir);
    if (report == null) {
      d.put("none", none);
    } else {
      d.putAll(report.summary());
    }
    return d;
  }

  void text(PrintWriter out) {
    if (report == null) {
      out.println("shadow (" + dataDir + "): none: " + none);
      return;
    }
    out.println("shadow (" + dataDir + "):");
    report.text(out);
  }

  void html(StringBuilder h) {
    if (report == null) {
      h.append("<h2>Shadow bundle</h2>\n<p>")
          .append(EvaluationHtml.esc(dataDir))
          .append(": none: ")
          .append(EvaluationHtml.esc(none))
          .append("</p>\n");
      return;
    }
    ShadowReportHtml.section(h, report, 2);
  }
}
