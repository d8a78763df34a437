package io.cordwatch.cli;

import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.phantom.real.RealSource;
import io.cordwatch.phantom.real.RealSpine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
      "The same seed always writes the same bytes."
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
      description = "Lesion-inserted copies per usable slice (default ${DEFAULT-VALUE}).")
  int lesions = 0;

  @Option(names = "--seed", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 1;

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
    Map<RealSource, RealSpine.Counts> counts =
        RealSpine.generate(new RealSpine.Options(fixtures, out, lesions, seed));
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
