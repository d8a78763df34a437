package io.cordwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cordwatch.stats.ConfusionMatrix;
import io.cordwatch.stats.LandisKoch;
import io.cordwatch.stats.Reliability;
import io.cordwatch.stats.StudySummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch evaluate --reference labels.csv --predicted grade.json|csv}: the study's
 * statistics for a model's grades against a radiologist's, slice by slice and study by study.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Compare predicted Bilsky grades with reference labels per (SOP Instance UID, frame):",
      "confusion matrices, Gwet's AC1, kappa, weighted kappa, sensitivity and specificity for",
      "high grade (1c/2/3) with 95%% CIs, per study, and for a grade document the appliance's",
      "verdicts counted per study (high-grade studies not called low); unmatched slices are listed.",
      "Exit status: 0 done, 2 unusable input or nothing matched."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--reference",
      required = true,
      paramLabel = "labels.csv",
      description = "Reference: CSV with sop_instance_uid, grade [, frame, study_instance_uid].")
  Path reference;

  @Option(
      names = "--predicted",
      required = true,
      paramLabel = "grade.json|csv",
      description =
          "Predictions: a 'cordwatch grade --json' document, or a CSV with"
              + " sop_instance_uid,grade[,frame].")
  Path predicted;

  @Option(names = "--html", paramLabel = "report.html", description = "Also write an HTML report.")
  Path html;

  @Option(names = "--json", description = "Print one JSON document instead of text.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Evaluation.Result r;
      StudyVerdicts verdicts = null;
      try {
        List<Evaluation.Slice> labels = Evaluation.readLabels(reference);
        Evaluation.Predictions p = Evaluation.readPredictions(predicted);
        r = Evaluation.evaluate(labels, p.slices());
        if (p.studies() != null) {
          verdicts = StudyVerdicts.of(labels, p.studies());
        }
      } catch (Evaluation.InputException e) {
        err.println("cordwatch evaluate: " + e.getMessage());
        return 2;
      }
      if (html != null) {
        try {
          Files.writeString(
              html,
              EvaluationHtml.render(r, reference.toString(), predicted.toString(), verdicts),
              StandardCharsets.UTF_8);
        } catch (IOException e) {
          err.println("cordwatch evaluate: " + html + ": cannot write (" + e.getMessage() + ")");
          return 2;
        }
      }
      if (json) {
        Map<String, Object> d = document(r);
        d.put("study_verdicts", verdicts == null ? null : verdicts.document());
        out.println(GradeCommand.JSON.writeValueAsString(d));
      } else {
        text(out, r, verdicts);
        if (html != null) {
          out.println("report written to " + html);
        }
      }
      return 0;
    } finally {
      out.flush();
      err.flush();
    }
  }

  static Map<String, Object> document(Evaluation.Result r) {
    Map<String, Object> d = new LinkedHashMap<>();
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("reference_slices", r.referenceSlices());
    counts.put("predicted_slices", r.predictedSlices());
    counts.put("matched", r.matched().size());
    counts.put("reference_only", r.referenceOnly().size());
    counts.put("predicted_only", r.predictedOnly().size());
    counts.put("not_graded", r.notGraded().size());
    d.put("counts", counts);
    Map<String, Object> unmatched = new LinkedHashMap<>();
    unmatched.put("reference_only", slices(r.referenceOnly()));
    unmatched.put("predicted_only", slices(r.predictedOnly()));
    unmatched.put("not_graded", slices(r.notGraded()));
    d.put("unmatched", unmatched);

    Map<String, Object> s = new LinkedHashMap<>();
    s.put("n", r.grades().n());
    s.put("grades", r.grades().labels());
    s.put("confusion_matrix", r.grades().counts());
    s.put("ac1", StatsJson.interval(r.ac1()));
    s.put("cohen_kappa", StatsJson.interval(r.cohenKappa()));
    s.put("weighted_kappa", StatsJson.interval(r.weightedKappa()));
    Map<String, Object> hl = AgreementCommand.document(r.dichotomous());
    hl.put("confusion_matrix", r.highLow().counts());
    s.put("high_low", hl);
    List<Map<String, Object>> pg = new ArrayList<>();
    for (Evaluation.PerGrade g : r.perGrade()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("grade", g.grade());
      m.put("n", g.n());
      m.put("correct", g.correct());
      m.put("under_graded", g.under());
      m.put("over_graded", g.over());
      pg.add(m);
    }
    s.put("per_grade", pg);
    d.put("slices", s);

    Map<String, Object> st = new LinkedHashMap<>();
    st.put("n", r.studies().size());
    st.put("high_low", AgreementCommand.document(r.studyDichotomous()));
    Map<String, Object> found = new LinkedHashMap<>();
    foundByWorstGrade(r)
        .forEach(
            (g, c) -> found.put(Evaluation.GRADES.get(g), Map.of("found", c[0], "studies", c[1])));
    st.put("high_found_by_worst_reference", found);
    List<Map<String, Object>> list = new ArrayList<>();
    for (StudySummary x : r.studies()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("study_instance_uid", x.studyInstanceUid());
      m.put("slices", x.slices());
      m.put("worst_reference", Evaluation.GRADES.get(x.worstReference()));
      m.put("worst_predicted", Evaluation.GRADES.get(x.worstReader()));
      m.put("reference_high", x.referenceHigh());
      m.put("predicted_high", x.readerHigh());
      m.put("slice_agreements", x.sliceAgreements());
      list.add(m);
    }
    st.put("list", list);
    d.put("studies", st);
    List<Map<String, Object>> rel = new ArrayList<>();
    for (Reliability.Bin b : r.reliability()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("lower", b.lower());
      m.put("upper", b.upper());
      m.put("count", b.count());
      m.put("mean_predicted", b.meanPredicted());
      m.put("observed", b.observed());
      rel.add(m);
    }
    d.put("reliability", r.reliability().isEmpty() ? null : rel);
    d.putAll(EvaluationChecks.document(r.checks()));
    return d;
  }

  private static List<Map<String, Object>> slices(List<Evaluation.Slice> slices) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Evaluation.Slice s : slices) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sop_instance_uid", s.key().sopInstanceUid());
      m.put("frame", s.key().frame());
      m.put("study_instance_uid", s.studyInstanceUid());
      if (s.grade() < 0) {
        m.put("status", s.status());
      }
      out.add(m);
    }
    return out;
  }

  private static void text(PrintWriter out, Evaluation.Result r, StudyVerdicts verdicts) {
    out.printf(
        "slices: %d reference, %d predicted, %d matched; %d reference-only, %d predicted-only,"
            + " %d predicted but not graded%n",
        r.referenceSlices(),
        r.predictedSlices(),
        r.matched().size(),
        r.referenceOnly().size(),
        r.predictedOnly().size(),
        r.notGraded().size());
    out.println();
    out.println("slice level (n = " + r.grades().n() + "), 6 grades:");
    out.println("  Gwet's AC1:      " + StatsJson.text(r.ac1(), "no subjects") + band(r.ac1()));
    out.println("  Cohen's kappa:   " + StatsJson.text(r.cohenKappa(), "one category only"));
    out.println("  weighted kappa:  " + StatsJson.text(r.weightedKappa(), "one category only"));
    matrix(out, r.grades(), "reference \\ predicted");
    out.println(
        "slice level, high (1c/2/3) vs low by the predicted grade (nearest prototype; the"
            + " bundle's own P(high) call is in the study-clustered line below):");
    high(out, r.dichotomous());
    matrix(out, r.highLow(), "reference \\ predicted");
    out.println("per grade (reference): n, correct, under-graded, over-graded");
    for (Evaluation.PerGrade g : r.perGrade()) {
      out.printf("  %-3s %5d %5d %5d %5d%n", g.grade(), g.n(), g.correct(), g.under(), g.over());
    }
    EvaluationChecks.text(r.checks()).forEach(out::println);
    out.println();
    out.println(
        "study level (n = "
            + r.studies().size()
            + "; high if any slice is called high, by the bundle's P(high) threshold where it has one):");
    high(out, r.studyDichotomous());
    String found =
        foundByWorstGrade(r).entrySet().stream()
            .map(
                e ->
                    Evaluation.GRADES.get(e.getKey())
                        + " "
                        + e.getValue()[0]
                        + " of "
                        + e.getValue()[1])
            .collect(java.util.stream.Collectors.joining(", "));
    if (!found.isEmpty()) {
      out.println("  high-grade studies called high, by their worst reference grade: " + found);
    }
    for (StudySummary s : r.studies()) {
      out.printf(
          "  %s: %d slices, worst reference %s, worst predicted %s%s%n",
          s.studyInstanceUid(),
          s.slices(),
          Evaluation.GRADES.get(s.worstReference()),
          Evaluation.GRADES.get(s.worstReader()),
          s.referenceHigh() == s.readerHigh() ? "" : "  DISAGREE on high grade");
    }
    if (verdicts != null) {
      out.println();
      verdicts.text().forEach(out::println);
    }
    unmatched(out, "reference-only (no prediction)", r.referenceOnly());
    unmatched(out, "predicted-only (no reference label)", r.predictedOnly());
    unmatched(out, "predicted but not graded", r.notGraded());
  }

  private static Map<Integer, int[]> foundByWorstGrade(Evaluation.Result r) {
    return StudySummary.foundByWorstReference(r.studies(), Evaluation.FIRST_HIGH);
  }

  private static void high(PrintWriter out, io.cordwatch.stats.Dichotomous d) {
    out.println("  Gwet's AC1:      " + StatsJson.text(d.ac1(), "no subjects") + band(d.ac1()));
    out.println("  Cohen's kappa:   " + StatsJson.text(d.cohenKappa(), "one category only"));
    out.printf(
        "  sensitivity:     %s [%d/%d]%n",
        StatsJson.text(d.sensitivity(), "no reference high grade"),
        d.truePositives(),
        d.truePositives() + d.falseNegatives());
    out.printf(
        "  specificity:     %s [%d/%d]%n",
        StatsJson.text(d.specificity(), "no reference low grade"),
        d.trueNegatives(),
        d.trueNegatives() + d.falsePositives());
  }

  private static String band(io.cordwatch.stats.Interval i) {
    return i.defined() ? ", " + LandisKoch.of(i.value()).label() : "";
  }

  private static void matrix(PrintWriter out, ConfusionMatrix m, String corner) {
    StringBuilder h = new StringBuilder(String.format("  %-22s", corner));
    for (String l : m.labels()) {
      h.append(String.format(Locale.ROOT, "%6s", l));
    }
    out.println(h);
    for (int i = 0; i < m.q(); i++) {
      StringBuilder row = new StringBuilder(String.format("  %-22s", m.labels().get(i)));
      for (int j = 0; j < m.q(); j++) {
        row.append(String.format(Locale.ROOT, "%6d", m.count(i, j)));
      }
      out.println(row);
    }
    out.println();
  }

  private static void unmatched(PrintWriter out, String title, List<Evaluation.Slice> slices) {
    if (slices.isEmpty()) {
      return;
    }
    out.println();
    out.println(title + ": " + slices.size());
    for (Evaluation.Slice s : slices) {
      out.printf(
          "  %s frame %d%s%n",
          s.key().sopInstanceUid(), s.key().frame(), s.grade() < 0 ? " (" + s.status() + ")" : "");
    }
  }
}
