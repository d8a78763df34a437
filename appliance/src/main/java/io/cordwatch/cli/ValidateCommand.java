package io.cordwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cordwatch.adapt.AdaptException;
import io.cordwatch.adapt.CrossValidatedOperatingPoint;
import io.cordwatch.adapt.LabelledStudies;
import io.cordwatch.adapt.OperatingPoint;
import io.cordwatch.dicom.DicomReadException;
import io.cordwatch.dicom.ScannerFacts;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SliceResult;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.EngineException;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.roi.ConfiguredBoxes;
import io.cordwatch.stats.Dichotomous;
import io.cordwatch.store.PrivateFiles;
import io.cordwatch.study.SeriesDecision;
import io.cordwatch.web.ValidationReportsPage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cordwatch validate}: a bundle against a site's own graded studies. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Grade a site's own labelled studies with a bundle, through the appliance's code, and report"
          + " its agreement with the site's readers: confusion matrices, AC1, kappa, sensitivity"
          + " and specificity with study-clustered intervals, agreement per scanner model and field"
          + " strength, series verdicts (indeterminate rate), the OOD score distribution, P(high)"
          + " calibration, and the site's own P(high) threshold for --target-sensitivity with the"
          + " interval its data allows (docs/adaptation.md).",
      "Each --data folder holds DICOM studies and a labels.csv (reference grade and canal box per"
          + " slice); --data-dir takes the reviewed slices of an appliance instead (or as well)."
          + " Exit status 0 reported, 2 bad input or no data, 1 engine failure."
    })
final class ValidateCommand implements Callable<Integer> {
  /** The series an appliance already chose by its own rules: graded as they are. */
  private static final SeriesDecision CHOSEN_ON_THE_APPLIANCE =
      new SeriesDecision(true, "selected: graded on the appliance", List.of());

  @Spec CommandSpec spec;

  @Option(names = "--bundle", paramLabel = "B", description = "Bundle (default: the shipped one).")
  Path bundlePath;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Folder of labelled studies: DICOM files and a labels.csv (repeatable).")
  List<Path> data = List.of();

  @Option(
      names = "--data-dir",
      paramLabel = "DATA",
      description =
          "An appliance's data directory (its data-dir setting): the slices its clinicians"
              + " confirmed or corrected in the results view, graded again from its spool. Read"
              + " only; the appliance may keep running (repeatable; combines with --data).")
  List<Path> dataDirs = List.of();

  @Option(
      names = "--boxes",
      paramLabel = "SOURCE",
      description =
          "supplied (the boxes that come with the data: a folder's labels.csv, the boxes an"
              + " appliance graded with) or localizer (the bundle's); default ${DEFAULT-VALUE}.")
  String boxes = "localizer";

  @Option(
      names = "--target-sensitivity",
      paramLabel = "S",
      description = "Sensitivity the site's threshold must reach (default ${DEFAULT-VALUE}).")
  double targetSensitivity = 0.95;

  @Option(
      names = "--folds",
      paramLabel = "K",
      description =
          "Folds of whole studies for the cross-validated operating point: the threshold chosen"
              + " on K-1 folds, applied to the held-out one (default ${DEFAULT-VALUE}).")
  int folds = 5;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Study shuffle of the folds (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--html", paramLabel = "FILE", description = "Write the report as HTML.")
  Path html;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON.")
  Path json;

  @Option(
      names = "--keep",
      description =
          "Keep the report (HTML and JSON) on the box, under DATA/"
              + KEPT
              + "/ of the one --data-dir, where admins read it at /admin/validation. Run it as"
              + " the appliance's user (sudo -u cordwatch) so the service can read it.")
  boolean keep;

  /** Where {@code --keep} puts reports: the folder the admin page reads. */
  static final String KEPT = ValidationReportsPage.FOLDER;

  private static final java.time.format.DateTimeFormatter KEPT_NAME =
      java.time.format.DateTimeFormatter.ofPattern("'validation-'yyyyMMdd'T'HHmmss'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!boxes.equals("supplied") && !boxes.equals("localizer")) {
      err.println("cordwatch validate: --boxes must be supplied or localizer, got " + boxes);
      return 2;
    }
    if (folds < 2) {
      err.println("cordwatch validate: --folds must be at least 2, got " + folds);
      return 2;
    }
    try {
      if (data.isEmpty() && dataDirs.isEmpty()) {
        err.println(
            "cordwatch validate: no data: give --data DIR (a folder of labelled studies) or"
                + " --data-dir DATA (an appliance's data directory), or both");
        return 2;
      }
      if (keep && dataDirs.size() != 1) {
        err.println(
            "cordwatch validate: --keep needs exactly one --data-dir (the box whose admins read"
                + " the report), got "
                + dataDirs.size());
        return 2;
      }
      List<LabelledStudies> sources = LabelledStudies.of(data, dataDirs);
      Path bp = bundlePath != null ? bundlePath : ShippedBundle.find().orElse(null);
      if (bp == null) {
        err.println("cordwatch validate: no --bundle given and no shipped demo bundle found");
        return 2;
      }
      Bundle bundle = Bundles.load(bp);
      SiteData site = grade(bundle, sources, err);
      Evaluation.Predictions graded =
          Evaluation.parsePredictions(
              "graded in this run",
              GradeCommand.JSON.writeValueAsString(
                  new GradeCommand.Document(site.model(), site.studies(), site.notRead())));
      Evaluation.Result r = Evaluation.evaluate(site.reference(), graded.slices());
      List<CrossValidatedOperatingPoint.Scored> scored = scored(r);
      OperatingPoint op = operatingPoint(scored);
      ValidationReport report =
          ValidationReport.of(
              bundle,
              bp,
              sources,
              boxes,
              site,
              r,
              StudyVerdicts.of(site.reference(), graded.studies()),
              op,
              op == null
                  ? null
                  : CrossValidatedOperatingPoint.of(scored, targetSensitivity, folds, seed),
              dataDirs.stream().map(ValidationShadow::read).toList());
      report.text(out);
      if (json != null) {
        Files.writeString(json, report.json(), StandardCharsets.UTF_8);
      }
      String page =
          report.html(
              EvaluationHtml.render(r, "site labels", bundle.name(), report.studyVerdicts()));
      if (html != null) {
        Files.writeString(html, page, StandardCharsets.UTF_8);
      }
      if (keep) {
        Path dir = PrivateFiles.createDirectories(dataDirs.getFirst().resolve(KEPT));
        String stem = KEPT_NAME.format(java.time.Instant.now());
        Path keptJson = dir.resolve(stem + ".json");
        Path keptHtml = dir.resolve(stem + ".html");
        // Made 0600 before a byte goes in: the report names the site's studies by tag.
        Files.writeString(
            Files.createFile(keptJson, PrivateFiles.fileAttributes()),
            report.json(),
            StandardCharsets.UTF_8);
        Files.writeString(
            Files.createFile(keptHtml, PrivateFiles.fileAttributes()),
            page,
            StandardCharsets.UTF_8);
        out.println(
            "kept on the box: " + keptHtml + " and .json; admins see it at /admin/validation");
      }
      return 0;
    } catch (BundleException | BoxFileException | AdaptException e) {
      err.println("cordwatch validate: " + e.getMessage());
      return 2;
    } catch (Evaluation.InputException e) {
      err.println("cordwatch validate: " + e.getMessage());
      return 2;
    } catch (EngineException e) {
      err.println("cordwatch validate: engine: " + e.getMessage());
      return 1;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("results do not serialise: " + e.getMessage(), e);
    } catch (IOException e) {
      err.println("cordwatch validate: cannot write the report: " + e.getMessage());
      return 2;
    }
  }

  /**
   * What was graded: references, the grade documents' studies, the files' scanners by SOP Instance
   * UID and the OOD scores of graded slices.
   */
  record SiteData(
      List<Evaluation.Slice> reference,
      List<GradeCommand.StudyOut> studies,
      List<String> notRead,
      io.cordwatch.grade.Verdict.Model model,
      Map<String, ScannerFacts> scanners,
      List<Double> ood) {}

  private SiteData grade(Bundle bundle, List<LabelledStudies> sources, PrintWriter err)
      throws Evaluation.InputException {
    List<Evaluation.Slice> reference = new ArrayList<>();
    List<GradeCommand.StudyOut> studies = new ArrayList<>();
    List<String> notRead = new ArrayList<>();
    Map<String, ScannerFacts> scanners = new java.util.HashMap<>();
    io.cordwatch.grade.Verdict.Model model = null;
    Map<Evaluation.Key, String> labelledIn = new java.util.HashMap<>();
    for (LabelledStudies source : sources) {
      for (Evaluation.Slice l : Evaluation.readLabels(source.labelsName(), source.labelsCsv())) {
        String before = labelledIn.putIfAbsent(l.key(), source.name());
        if (before != null) {
          throw new AdaptException(
              LabelledStudies.labelledTwice(
                  l.key().sopInstanceUid(), l.key().frame(), before, source.name()));
        }
        reference.add(l);
      }
      for (Path f : source.files()) {
        try {
          ScannerFacts facts = ScannerFacts.read(f);
          if (facts.sopInstanceUid() != null) {
            scanners.put(facts.sopInstanceUid(), facts);
          }
        } catch (DicomReadException e) {
          // not DICOM (labels, pictures): gradeAll reports what it cannot read
        }
      }
      try (ConfiguredBoxes b =
              ConfiguredBoxes.openWith(bundle, boxes.equals("supplied") ? source.boxes() : null);
          BackboneEngine engine = Bundles.openEngine(bundle)) {
        SeriesGrader grader = new SeriesGrader(bundle, engine, b.source(), b.tissue());
        model = grader.model();
        GradeCommand.Graded g =
            GradeCommand.gradeAll(
                grader,
                source.files(),
                notRead,
                (done, total) ->
                    err.printf(
                        Locale.ROOT, "validate: %s: %d/%d studies%n", source.name(), done, total),
                source.preselected()
                    ? facts -> CHOSEN_ON_THE_APPLIANCE
                    : GradeCommand.defaultSelector()::decide);
        for (GradeCommand.StudyOut st : g.studies()) {
          studies.add(
              new GradeCommand.StudyOut(source.studyName(st.studyInstanceUid()), st.series()));
        }
      }
    }
    List<Double> ood = new ArrayList<>();
    for (GradeCommand.StudyOut st : studies) {
      for (GradeCommand.SeriesOut se : st.series()) {
        for (SliceResult s : se.slices()) {
          if (s.ood() != null) {
            ood.add(s.ood());
          }
        }
      }
    }
    return new SiteData(reference, studies, notRead, model, scanners, ood);
  }

  /**
   * The matched slices with a confident P(high), by study: what the operating point is chosen on.
   */
  private static List<CrossValidatedOperatingPoint.Scored> scored(Evaluation.Result r) {
    List<CrossValidatedOperatingPoint.Scored> out = new ArrayList<>();
    for (Evaluation.Matched m : r.matched()) {
      double p = m.predicted().pHigh();
      if (m.predicted().uncertain() || Double.isNaN(p)) {
        continue;
      }
      out.add(
          new CrossValidatedOperatingPoint.Scored(
              m.reference().studyInstanceUid(), p, m.reference().high()));
    }
    return out;
  }

  private OperatingPoint operatingPoint(List<CrossValidatedOperatingPoint.Scored> scored) {
    double[] pos = scored.stream().filter(x -> x.high()).mapToDouble(x -> x.pHigh()).toArray();
    double[] neg = scored.stream().filter(x -> !x.high()).mapToDouble(x -> x.pHigh()).toArray();
    return pos.length == 0 ? null : OperatingPoint.forSensitivity(pos, neg, targetSensitivity);
  }

  /** High/low agreement of the slices of one scanner, by the bundle's own high call. */
  static Dichotomous perScanner(List<Evaluation.Matched> matched) {
    long tp = 0;
    long fn = 0;
    long fp = 0;
    long tn = 0;
    for (Evaluation.Matched m : matched) {
      boolean ref = m.reference().high();
      boolean pred = m.predicted().high();
      tp += ref && pred ? 1 : 0;
      fn += ref && !pred ? 1 : 0;
      fp += !ref && pred ? 1 : 0;
      tn += !ref && !pred ? 1 : 0;
    }
    return Dichotomous.of(tp, fn, fp, tn);
  }
}
