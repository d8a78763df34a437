package io.cordwatch.cli;

import io.cordwatch.adapt.AdaptException;
import io.cordwatch.adapt.Adaptation;
import io.cordwatch.adapt.CrossValidation;
import io.cordwatch.adapt.Enrolment;
import io.cordwatch.adapt.Figures;
import io.cordwatch.adapt.LabelledStudies;
import io.cordwatch.adapt.ReviewedStudies;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.EngineException;
import io.cordwatch.infer.Provenance;
import io.cordwatch.study.SeriesSelector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cordwatch adapt}: re-enrol a bundle's prototypes from a site's graded slices. */
@Command(
    name = "adapt",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Make a new bundle whose prototypes are re-enrolled from a site's own graded slices (the"
          + " backbone frozen): per-grade means of their embeddings shrunk toward the parent's"
          + " prototypes by --prior-weight, the OOD scale re-fitted the same way. The result is"
          + " cross-validated by study against the parent on the same held-out slices and refused,"
          + " with the figures, when it is worse (docs/adaptation.md). The parent is not changed.",
      "Each --data folder holds DICOM files and a labels.csv with the reference grade and canal"
          + " box of each graded slice (as 'cordwatch phantom' writes, or as exported from the"
          + " results view); --data-dir takes the slices clinicians reviewed on an appliance"
          + " instead (or as well). Exit status 0 when the new bundle was written, 3 when refused"
          + " by a guard rail, 2 for bad input or no data, 1 when the engine failed."
    })
final class AdaptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "Parent bundle.")
  Path bundle;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Folder of graded slices (repeatable).")
  List<Path> data = List.of();

  @Option(
      names = "--data-dir",
      paramLabel = "DATA",
      description =
          "An appliance's data directory: the slices its clinicians confirmed or corrected in the"
              + " results view, with the boxes its grading used. Read only; the appliance may keep"
              + " running (repeatable; combines with --data).")
  List<Path> dataDirs = List.of();

  @Option(
      names = "--test",
      paramLabel = "DIR",
      description =
          "Folder of graded slices from other studies, never fitted on: parent and adapted are"
              + " both scored on it and the figures printed (repeatable; report only).")
  List<Path> test = List.of();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "New bundle folder.")
  Path out;

  @Option(names = "--name", paramLabel = "NAME", description = "New bundle's name.")
  String name;

  @Option(
      names = "--prior-weight",
      paramLabel = "W",
      description = "Weight of the parent's prototypes, in slices (default ${DEFAULT-VALUE}).")
  double priorWeight = Adaptation.defaults().weight();

  @Option(
      names = "--min-per-grade",
      paramLabel = "N",
      description =
          "Slices a grade needs before its prototype moves; also the least number of high and of"
              + " low slices (default ${DEFAULT-VALUE}).")
  int minPerGrade = Adaptation.defaults().minPerGrade();

  @Option(
      names = "--min-studies",
      paramLabel = "N",
      description = "Least number of studies (default ${DEFAULT-VALUE}).")
  int minStudies = Adaptation.defaults().minStudies();

  @Option(
      names = "--folds",
      paramLabel = "F",
      description = "Cross-validation folds of whole studies (default ${DEFAULT-VALUE}).")
  int folds = Adaptation.defaults().folds();

  @Option(
      names = "--sensitivity-tolerance",
      paramLabel = "T",
      description =
          "How far the lower end of the adapted sensitivity's 95%% interval (cross-validated by"
              + " study) may lie below the parent's sensitivity (default ${DEFAULT-VALUE}).")
  double sensitivityTolerance = Adaptation.defaults().sensitivityTolerance();

  @Option(names = "--seed", paramLabel = "S", description = "Fold shuffle (default 1).")
  long seed = Adaptation.defaults().seed();

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (data.isEmpty() && dataDirs.isEmpty()) {
      err.println(
          "cordwatch adapt: no data: give --data DIR (a folder of graded slices) or --data-dir"
              + " DATA (an appliance's data directory), or both");
      return 2;
    }
    try {
      Adaptation rule =
          new Adaptation(priorWeight, minPerGrade, minStudies, folds, sensitivityTolerance, seed);
      Bundle parent = Bundles.load(bundle);
      List<LabelledStudies> sources = LabelledStudies.of(data, dataDirs);
      List<LabelledStudies> testSources = LabelledStudies.of(test, List.of());
      Enrolment.Enrolled enrolled;
      Enrolment.Enrolled testSlices = null;
      try (BackboneEngine engine = Bundles.openEngine(parent)) {
        SeriesSelector selector = GradeCommand.defaultSelector();
        enrolled = enrol(parent, engine, selector, sources, "adapt: ", err);
        if (!testSources.isEmpty()) {
          testSlices = enrol(parent, engine, selector, testSources, "adapt: test: ", err);
        }
      }
      if (enrolled.missing() > 0) {
        err.printf(
            Locale.ROOT,
            "adapt: %d labelled slices were not enrolled (in a series not selected for grading,"
                + " file missing or unreadable, or box unusable)%n",
            enrolled.missing());
      }
      Adaptation.Outcome r = rule.run(parent, enrolled.slices());
      if (r.cv() != null) {
        table(o, r.cv());
      }
      if (testSlices != null && r.cv() != null) {
        CrossValidation.Result t = rule.test(parent, enrolled.slices(), testSlices.slices());
        o.printf(Locale.ROOT, "test studies (%d, never fitted on)%n", testSlices.studies());
        row(o, "parent", t.parent());
        row(o, "adapted on all site studies", t.adapted());
      }
      if (!r.accepted()) {
        for (String why : r.refusals()) {
          err.println("adapt: refused: " + why);
        }
        return 3;
      }
      Bundles.Verified v =
          Bundles.derive(
              bundle,
              out,
              name != null ? name : parent.name() + "-adapted",
              r.fit().prototypes(),
              r.fit().oodScale(),
              provenance(parent, r, sources));
      o.printf(
          Locale.ROOT,
          "wrote %s (%s): prototypes re-enrolled from %d slices of %d studies, per grade %s%n",
          out,
          v.bundle().name(),
          r.slices(),
          r.studies(),
          perGrade(parent.classes(), r.fit().perGrade()));
      return 0;
    } catch (AdaptException | BundleException e) {
      err.println("cordwatch adapt: " + e.getMessage());
      return 2;
    } catch (EngineException e) {
      err.println("cordwatch adapt: engine: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The folders' graded slices in the series the appliance would grade; progress to {@code err}.
   */
  private static Enrolment.Enrolled enrol(
      Bundle parent,
      BackboneEngine engine,
      SeriesSelector selector,
      List<LabelledStudies> sources,
      String prefix,
      PrintWriter err) {
    return Enrolment.collect(
        parent,
        engine,
        sources,
        facts -> selector.decide(facts).selected(),
        line -> err.println(prefix + line));
  }

  private static void table(PrintWriter o, CrossValidation.Result cv) {
    o.printf(
        Locale.ROOT,
        "held-out studies, %d folds     AC1 high/low   sensitivity   specificity   exact grade"
            + "   uncertain%n",
        cv.folds());
    row(o, "parent", cv.parent());
    row(o, "adapted", cv.adapted());
  }

  private static void row(PrintWriter o, String what, Figures f) {
    o.printf(
        Locale.ROOT,
        "%-30s %12.3f %13.3f %13.3f %13.3f %11d%n",
        what,
        f.highLow().ac1().value(),
        f.highLow().sensitivity().value(),
        f.highLow().specificity().value(),
        f.exact(),
        f.uncertain());
  }

  private static String perGrade(List<String> classes, int[] n) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < n.length; c++) {
      b.append(c == 0 ? "" : ", ").append(classes.get(c)).append(": ").append(n[c]);
    }
    return b.toString();
  }

  private Provenance provenance(
      Bundle parent, Adaptation.Outcome r, List<LabelledStudies> sources) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("adapt_slices", (double) r.slices());
    m.put("adapt_studies", (double) r.studies());
    m.put("adapt_prior_weight", priorWeight);
    m.put("adapt_folds", (double) r.cv().folds());
    put(m, "adapt_cv_parent", r.cv().parent());
    put(m, "adapt_cv_adapted", r.cv().adapted());
    return new Provenance(
        String.format(
            Locale.ROOT,
            "%s, prototypes re-enrolled by cordwatch adapt from %d slices of %d studies (%s)",
            parent.provenance().trainingData(),
            r.slices(),
            r.studies(),
            String.join(", ", sources.stream().map(AdaptCommand::dataName).toList())),
        LocalDate.now(),
        m,
        false,
        "adapted from "
            + parent.name()
            + "; not for clinical use until validated on the site's own readers",
        null);
  }

  /** How provenance names data: a folder by its name, an appliance's reviews with their dates. */
  private static String dataName(LabelledStudies s) {
    if (s instanceof ReviewedStudies r) {
      return "slices reviewed on the appliance, decided "
          + r.summary().firstDecision()
          + " to "
          + r.summary().lastDecision();
    }
    return Path.of(s.name()).getFileName().toString();
  }

  private static void put(Map<String, Double> m, String prefix, Figures f) {
    finite(m, prefix + "_ac1", f.highLow().ac1().value());
    finite(m, prefix + "_sensitivity", f.highLow().sensitivity().value());
    finite(m, prefix + "_specificity", f.highLow().specificity().value());
    finite(m, prefix + "_exact", f.exact());
    m.put(prefix + "_uncertain", (double) f.uncertain());
  }

  /** An undefined figure (no positives, say) is left out: bundle.json holds numbers only. */
  private static void finite(Map<String, Double> m, String key, double v) {
    if (Double.isFinite(v)) {
      m.put(key, v);
    }
  }
}
