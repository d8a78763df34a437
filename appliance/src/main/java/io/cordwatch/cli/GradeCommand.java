package io.cordwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.cordwatch.app.StageSettings;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.SeriesFiles;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.grade.SliceResult;
import io.cordwatch.grade.Verdict;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.EngineException;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.roi.ConfiguredBoxes;
import io.cordwatch.study.SeriesDecision;
import io.cordwatch.study.SeriesSelector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch grade PATH...}: grades DICOM files offline, through the same selection and
 * grading code the appliance runs, without a server or a database. Files are grouped into studies
 * and series; only series the selection rules pick are graded, the others are listed with the
 * reason.
 */
@Command(
    name = "grade",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Grade DICOM files or folders (searched recursively) with a model bundle, no server.",
      "Canal boxes come from --boxes where it has one, else from the bundle's localizer;",
      "a slice without a box is reported as 'no ROI', never guessed.",
      "Exit status: 0 graded, 1 the engine failed, 2 bad arguments, bundle or box file."
    })
final class GradeCommand implements Callable<Integer> {

  /** How the CLI prints JSON: the results' one shape ({@link VerdictJson}), indented. */
  static final ObjectWriter JSON = VerdictJson.prettyWriter();

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "DICOM files or folders.")
  List<Path> paths;

  @Option(
      names = "--bundle",
      paramLabel = "B",
      description = "Model bundle (default: the shipped demo bundle, appliance/demo-bundle).")
  Path bundlePath;

  @Option(
      names = "--boxes",
      paramLabel = "FILE|DIR",
      description = "Canal boxes: a labels.csv, or a folder of LabelImg VOC XML.")
  Path boxesPath;

  @Option(names = "--json", description = "Print one JSON document instead of a table.")
  boolean json;

  /** The document {@code --json} prints. */
  record Document(Verdict.Model model, List<StudyOut> studies, List<String> notRead) {}

  record StudyOut(String studyInstanceUid, List<SeriesOut> series) {}

  record SeriesOut(
      String seriesInstanceUid,
      Integer seriesNumber,
      String description,
      String selection,
      String error,
      Verdict verdict,
      List<SliceResult> slices) {}

  @Override
  public Integer call() {
    return InputFiles.readingQuietly(spec, this::run);
  }

  private int run(PrintWriter out, PrintWriter err) {
    Bundle bundle;
    if (bundlePath == null) {
      bundlePath = ShippedBundle.find().orElse(null);
      if (bundlePath == null) {
        err.println("cordwatch grade: no --bundle given and no shipped demo bundle found");
        return 2;
      }
      err.println("cordwatch grade: using the shipped demo bundle " + bundlePath);
    }
    try {
      bundle = Bundles.load(bundlePath);
    } catch (BundleException e) {
      err.println("cordwatch grade: " + e.getMessage());
      return 2;
    }
    InputFiles input = InputFiles.collect(paths, "cordwatch grade", err);
    if (input.existing() == 0) {
      return 2;
    }
    try (ConfiguredBoxes boxes = ConfiguredBoxes.open(bundle, boxesPath)) {
      return grade(out, err, bundle, boxes, input);
    } catch (BundleException | BoxFileException e) {
      err.println("cordwatch grade: " + e.getMessage());
      return 2;
    } catch (EngineException e) {
      err.println("cordwatch grade: engine: " + e.getMessage());
      return 1;
    }
  }

  private int grade(
      PrintWriter out, PrintWriter err, Bundle bundle, ConfiguredBoxes boxes, InputFiles input) {
    List<String> notRead = input.notRead();
    Verdict.Model model;
    Graded graded;
    try (BackboneEngine engine = Bundles.openEngine(bundle)) {
      SeriesGrader grader = new SeriesGrader(bundle, engine, boxes.source(), boxes.tissue());
      model = grader.model();
      graded = gradeAll(grader, input.files(), notRead, (done, total) -> {});
    } catch (BundleException e) {
      err.println("cordwatch grade: " + e.getMessage());
      return 2;
    } catch (EngineException e) {
      err.println("cordwatch grade: engine: " + e.getMessage());
      return 1;
    }
    List<StudyOut> studyOut = graded.studies();
    boolean engineFailed = graded.engineFailed();
    Document doc = new Document(model, studyOut, notRead);
    if (json) {
      try {
        out.println(JSON.writeValueAsString(doc));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("results do not serialise: " + e.getMessage(), e);
      }
    } else {
      table(out, doc, !boxes.any());
    }
    return engineFailed ? 1 : 0;
  }

  /** What {@link #gradeAll} found: every study's series, and whether the engine failed on one. */
  record Graded(List<StudyOut> studies, boolean engineFailed) {}

  /** Told after each study: how many are done, of how many. */
  interface Progress {
    void studyDone(int done, int total);
  }

  /**
   * Grades files as the appliance would: grouped by study and series, series in series-number
   * order, each series put to the default selection rules and graded when selected. Files that are
   * not DICOM (or are labels and pictures) are skipped, with a reason added to {@code notRead} for
   * the former; an engine failure is recorded on its series and the rest go on.
   */
  static Graded gradeAll(
      SeriesGrader grader, List<Path> files, List<String> notRead, Progress progress) {
    return gradeAll(grader, files, notRead, progress, defaultSelector()::decide);
  }

  /**
   * {@link #gradeAll(SeriesGrader, List, List, Progress)} with the series chosen by {@code select}
   * instead of the default selection rules.
   */
  static Graded gradeAll(
      SeriesGrader grader,
      List<Path> files,
      List<String> notRead,
      Progress progress,
      Function<List<InstanceFacts>, SeriesDecision> select) {
    // study -> series -> files, in the order the files came
    Map<String, Map<String, List<SeriesFiles.File>>> studies =
        SeriesFiles.group(files, notRead::add);

    List<StudyOut> studyOut = new ArrayList<>();
    boolean engineFailed = false;
    for (Map.Entry<String, Map<String, List<SeriesFiles.File>>> st : studies.entrySet()) {
      List<SeriesOut> seriesOut = new ArrayList<>();
      List<Map.Entry<String, List<SeriesFiles.File>>> ordered =
          st.getValue().entrySet().stream()
              .sorted(
                  Comparator.comparing(
                      (Map.Entry<String, List<SeriesFiles.File>> e) ->
                          e.getValue().getFirst().facts().seriesNumber(),
                      Comparator.nullsLast(Comparator.naturalOrder())))
              .toList();
      for (Map.Entry<String, List<SeriesFiles.File>> se : ordered) {
        List<SeriesFiles.File> items = se.getValue();
        InstanceFacts first = items.getFirst().facts();
        SeriesDecision d = select.apply(SeriesFiles.facts(items));
        Verdict verdict = null;
        List<SliceResult> slices = List.of();
        String error = null;
        if (d.selected()) {
          try {
            SeriesResult r = grader.grade(st.getKey(), se.getKey(), SeriesFiles.inputs(items));
            verdict = r.verdict();
            slices = r.slices();
          } catch (EngineException | IllegalArgumentException | IllegalStateException e) {
            engineFailed = true;
            error = "engine failed: " + e.getMessage();
          }
        }
        seriesOut.add(
            new SeriesOut(
                se.getKey(),
                first.seriesNumber(),
                first.seriesDescription(),
                d.summary(),
                error,
                verdict,
                slices));
      }
      studyOut.add(new StudyOut(st.getKey(), seriesOut));
      progress.studyDone(studyOut.size(), studies.size());
    }
    return new Graded(studyOut, engineFailed);
  }

  /** The series-selection rules of an appliance with default settings, as offline commands use. */
  static SeriesSelector defaultSelector() {
    return new SeriesSelector(StageSettings.selectionRules(Settings.load(null, Map.of())));
  }

  private static void table(PrintWriter out, Document doc, boolean noBoxes) {
    Verdict.Model m = doc.model();
    out.printf(
        Locale.ROOT,
        "model %s (%s, %s)%s%n",
        m.name(),
        m.format(),
        m.engine(),
        m.clinicalUse() ? "" : "  NOT FOR CLINICAL USE (clinical_use=false)");
    out.printf(
        Locale.ROOT,
        "high call by %s; indeterminate above %.0f%% uncertain or %.0f%% no ROI%n",
        m.decision(),
        100 * m.limits().maxUncertainFraction(),
        100 * m.limits().maxNoRoiFraction());
    if (noBoxes) {
      out.println("no --boxes given and the bundle has no localizer: every slice is 'no ROI'");
    }
    for (StudyOut st : doc.studies()) {
      out.println();
      out.println("study " + Uids.tag(st.studyInstanceUid()));
      for (SeriesOut se : st.series()) {
        out.printf(
            "  series %s%s: %s%n",
            se.seriesNumber() == null ? "-" : se.seriesNumber(),
            se.description() == null ? "" : " \"" + se.description() + "\"",
            se.selection());
        if (se.error() != null) {
          out.println("    " + se.error());
        }
        Verdict v = se.verdict();
        if (v == null) {
          continue;
        }
        Verdict.Counts c = v.counts();
        out.printf(
            "    verdict: %s%s | %d slices: %d graded, %d no ROI, %d unreadable, %d uncertain |"
                + " %d ms%n",
            v.grade() == null ? "no grade (nothing graded with confidence)" : "grade " + v.grade(),
            v.group() == null ? "" : " (" + v.group().toUpperCase(Locale.ROOT) + ")",
            c.slices(),
            c.graded(),
            c.noRoi(),
            c.unreadable(),
            c.uncertain(),
            v.timings().totalMs());
        Double discount = v.model().baselineDiscount();
        if (discount != null && discount > 0) {
          // The series' decision already names the raised threshold and the discount.
          out.printf(
              Locale.ROOT,
              "    high call by %s; confident at P(high) >= %.4f%n",
              v.model().decision(),
              v.model().limits().confidentHighThreshold());
        }
        if (v.indeterminate()) {
          out.println(
              "    indeterminate \u2014 read manually ("
                  + v.indeterminateReason()
                  + "): "
                  + v.indeterminateMessage());
        }
        for (Verdict.Segment s : v.segments()) {
          out.printf(
              "    segment slices %d-%d: max grade %s, key image %s frame %d%n",
              s.firstSlice() + 1,
              s.lastSlice() + 1,
              s.maxGrade(),
              Uids.tag(s.keyImage().sopInstanceUid()),
              s.keyImage().frame());
        }
        out.printf(
            "    %4s  %-12s %5s  %-6s %6s %6s %7s  %s%n",
            "#", "instance", "frame", "grade", "p", "p_high", "ood", "box / reason");
        int n = 0;
        for (SliceResult s : se.slices()) {
          n++;
          if (s.isGraded()) {
            out.printf(
                Locale.ROOT,
                "    %4d  %-12s %5d  %-6s %6.3f %6s %7.3f  %d,%d-%d,%d%s%s%s%s%n",
                n,
                Uids.tag(s.sopInstanceUid()),
                s.frame(),
                s.grade(),
                s.probabilities().get(s.grade()),
                s.pHigh() == null ? "-" : String.format(Locale.ROOT, "%.3f", s.pHigh()),
                s.ood(),
                s.box().x0(),
                s.box().y0(),
                s.box().x1(),
                s.box().y1(),
                s.boxSource() == null ? "" : " (" + s.boxSource() + ")",
                Boolean.TRUE.equals(s.highCall()) ? "  HIGH call" : "",
                s.withdrawn()
                    ? String.format(
                        Locale.ROOT,
                        "  high call withdrawn (tumour in box %.1f mm²)",
                        s.tumourInBoxMm2())
                    : "",
                Boolean.TRUE.equals(s.uncertain()) ? "  uncertain" : "");
          } else {
            out.printf(
                "    %4d  %-12s %5d  %-6s %6s %6s %7s  %s%n",
                n,
                Uids.isValid(s.sopInstanceUid())
                    ? Uids.tag(s.sopInstanceUid())
                    : s.sopInstanceUid(),
                s.frame(),
                s.status().equals(SliceResult.NO_ROI) ? "no ROI" : "unread",
                "",
                "",
                "",
                s.reason());
          }
        }
      }
    }
    if (!doc.notRead().isEmpty()) {
      out.println();
      out.println("not read:");
      doc.notRead().forEach(l -> out.println("    " + l));
    }
  }
}
