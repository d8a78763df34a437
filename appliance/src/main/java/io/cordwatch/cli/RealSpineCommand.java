package io.cordwatch.cli;

import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.phantom.real.RealSource;
import io.cordwatch.phantom.real.RealSpine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch realspine}: real normal spine MRI (NIfTI fixtures) as axial DICOM series with
 * canal boxes, and optionally with synthetic epidural tumours inserted (docs/real-data.md).
 */
@Command(
    name = "realspine",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Prepare the real-spine fixtures: one axial DICOM series per real volume (grade 0), plus"
          + " --lesions N copies with synthetic epidural tumours; labels.csv, sources.csv and"
          + " SOURCES.md at --out.",
      "Canal boxes: from the cord where it is known (cervical, PAM50); on the lumbar slab (no"
          + " cord) from the bright CSF tube behind the vertebral bodies, on the slices where that"
          + " rule is confident. Lesions go only into T2-weighted series with a known cord (lumbar"
          + " and T2* stay normals only); 15%% of copies are left untouched, the others aim at"
          + " grades 1a, 1b, 1c, 2 and 3 equally, and every label is the grade measured on the"
          + " warped masks.",
      "The same seed always writes the same bytes. docs/real-data.md says more."
    })
final class RealSpineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--fixtures",
      required = true,
      paramLabel = "DIR",
      description = "The real-spine fixture folder (shared/fixtures/real-spine).")
  Path fixtures;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(
      names = "--lesions",
      paramLabel = "N",
      description =
          "Lesion-inserted copies per slice with a known cord (default ${DEFAULT-VALUE}).")
  int lesions = 0;

  @Option(names = "--seed", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(
      names = "--sources",
      paramLabel = "NAMES",
      description =
          "Comma-separated source names to use (default: all): cervical-axial-t2star,"
              + " cervical-3d-t2-crop, lumbar-3d-t2, pam50-template-t2. Disjoint lists make a"
              + " training set and a held-out set from different volumes; a source's bytes do not"
              + " depend on which others are chosen.")
  String sources;

  @Option(
      names = "--masks",
      description =
          "Also write each labelled slice's tissue map (NAME.mask.png beside the file: cord, CSF,"
              + " epidural margin, tumour, the rest muscle; the warped maps the lesion grades are"
              + " measured from) and masks.csv, the legend, as phantom --masks does.")
  boolean masks;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter o = spec.commandLine().getOut();
    if (!Files.isDirectory(fixtures)) {
      err.println("cordwatch realspine: no such fixture folder: " + fixtures);
      return 2;
    }
    if (lesions < 0) {
      err.println("cordwatch realspine: --lesions must be 0 or more");
      return 2;
    }
    Set<RealSource> chosen;
    try {
      chosen = sources == null ? EnumSet.allOf(RealSource.class) : RealSource.parse(sources);
    } catch (IllegalArgumentException e) {
      err.println("cordwatch realspine: --sources: " + e.getMessage());
      return 2;
    }
    Map<RealSource, RealSpine.Counts> counts =
        RealSpine.generate(new RealSpine.Options(fixtures, out, lesions, seed, chosen, masks));
    for (var e : counts.entrySet()) {
      RealSpine.Counts c = e.getValue();
      StringBuilder g = new StringBuilder();
      if (lesions > 0) {
        g.append("  lesion grades:");
        for (Grade grade : Grade.values()) {
          g.append(' ').append(grade.label()).append(' ').append(c.grades()[grade.ordinal()]);
        }
      }
      o.printf(
          "%-22s %3d series %5d slices %5d labelled%s%n",
          e.getKey().id(), c.series(), c.slices(), c.labelled(), g);
    }
    o.println("-> " + out.toAbsolutePath());
    o.flush();
    return 0;
  }
}
