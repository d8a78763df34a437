package io.cordwatch.cli;

import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.phantom.FactorRange;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch phantom}: synthetic axial T2 thoracic spine studies with exact Bilsky labels
 * (DICOM, LabelImg XML, labels.csv, optional montage). No patient data is read or written.
 */
@Command(
    name = "phantom",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Write phantom studies: one folder per study (axial T2 to grade, sagittal T2 and axial T1"
          + " to skip), labels.csv at --out, a LabelImg XML beside each graded slice.",
      "The same seed always writes the same bytes."
    })
final class PhantomCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(
      names = "--studies",
      paramLabel = "N",
      description = "Studies (default ${DEFAULT-VALUE}).")
  int studies = 1;

  @Option(names = "--seed", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(
      names = "--style",
      paramLabel = "STYLE",
      description =
          "internal, external or randomized (default ${DEFAULT-VALUE}). Randomized draws"
              + " contrast (T1/T2/PD through the series' TE/TR), texture, anatomy, grade-0"
              + " mimics and artefacts per study, severities continuous across grade boundaries,"
              + " a quarter of studies normal; labels.csv gains exact_x0..exact_y1 (x0..y1 are"
              + " then jittered like a localizer) and a last column boundary_distance (severity"
              + " units to the nearest grade boundary, empty without epidural tumour).")
  String style = "internal";

  @Option(
      names = "--hold-out",
      paramLabel = "FACTOR",
      description =
          "With --style randomized: draw one factor family outside its training ranges, for an"
              + " evaluation set: contrast, texture, anatomy, artefact or level (see"
              + " docs/phantom.md).")
  String holdOut;

  @Option(
      names = "--slices",
      paramLabel = "M",
      description = "Axial T2 slices per study (default ${DEFAULT-VALUE}).")
  int slices = 48;

  @Option(names = "--montage", description = "Also write montage.png, example crops per grade.")
  boolean montage;

  @Option(
      names = "--enhanced",
      description =
          "Write Enhanced MR multi-frame files, one per series (labels.csv gains a frame column).")
  boolean enhanced;

  @Option(
      names = "--masks",
      description =
          "Also write each axial T2 slice's tissue map (NAME.mask.png beside the file, 8-bit, the"
              + " tissue drawn at each pixel) and masks.csv, the legend (docs/phantom.md).")
  boolean masks;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter o = spec.commandLine().getOut();
    StudyPlan.Style s;
    try {
      s = StudyPlan.Style.valueOf(style.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      err.println(
          "cordwatch phantom: --style must be internal, external or randomized, not " + style);
      return 2;
    }
    FactorRange.Factor held = null;
    if (holdOut != null) {
      try {
        held = FactorRange.Factor.valueOf(holdOut.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        err.println(
            "cordwatch phantom: --hold-out must be contrast, texture, anatomy, artefact or level,"
                + " not "
                + holdOut);
        return 2;
      }
      if (s != StudyPlan.Style.RANDOMIZED) {
        err.println("cordwatch phantom: --hold-out needs --style randomized");
        return 2;
      }
    }
    if (studies < 1 || slices < 1) {
      err.println("cordwatch phantom: --studies and --slices must be at least 1");
      return 2;
    }
    long t0 = System.nanoTime();
    Phantom.Result r =
        Phantom.generate(
            new Phantom.Options(out, studies, seed, s, slices, montage, enhanced, masks), held);
    double secs = (System.nanoTime() - t0) / 1e9;
    int total = 0;
    for (int c : r.gradeCounts()) {
      total += c;
    }
    o.printf(
        Locale.ROOT,
        "%d studies, %d graded slices in %.1f s -> %s%n",
        studies,
        total,
        secs,
        out.toAbsolutePath());
    StringBuilder sb = new StringBuilder("grades:");
    for (Grade g : Grade.values()) {
      sb.append(
          String.format(
              Locale.ROOT,
              " %s %d (%.1f%%)",
              g.label(),
              r.gradeCounts()[g.ordinal()],
              100.0 * r.gradeCounts()[g.ordinal()] / Math.max(1, total)));
    }
    o.println(sb);
    o.flush();
    return 0;
  }
}
