package io.cordwatch.cli;

import io.cordwatch.app.StageSettings;
import io.cordwatch.config.ConfigException;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.DicomReadException;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.Uids;
import io.cordwatch.study.SelectionRules;
import io.cordwatch.study.SeriesDecision;
import io.cordwatch.study.SeriesSelector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch rules test PATH...}: shows which series the appliance would grade and why,
 * without a server or a database, so a site can check its protocols against the rules before
 * sending patients' studies (or after a study was skipped, to see which rule did it).
 */
@Command(
    name = "rules",
    description = "Series-selection rules: dry-run tester.",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    subcommands = {RulesCommand.Test.class})
final class RulesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The dry run itself. */
  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Read DICOM files (folders are searched recursively), group them by series and say, per"
            + " series, whether it would be graded and why.",
        "Nothing is stored or sent. Exit status: 0 when it ran, 2 when no PATH exists or a"
            + " setting is unusable."
      })
  static final class Test implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "DICOM files or folders.")
    List<Path> paths;

    @Option(
        names = "--rules-from",
        paramLabel = "FILE",
        description = "Take the rules from this appliance config (YAML, as for serve --config).")
    Path rulesFrom;

    @Option(
        names = "--axial-max-angle",
        paramLabel = "DEG",
        description = "Largest slice-normal angle from the patient z-axis called axial.")
    String axialMaxAngle;

    @Option(
        names = "--t2-min-te",
        paramLabel = "MS",
        description = "Shortest echo time called T2-weighted.")
    String t2MinTe;

    @Option(
        names = "--t2-min-tr",
        paramLabel = "MS",
        description = "Shortest repetition time called T2-weighted.")
    String t2MinTr;

    @Override
    public Integer call() {
      return InputFiles.readingQuietly(spec, this::run);
    }

    private int run(PrintWriter out, PrintWriter err) {
      SelectionRules rules;
      try {
        rules = rules();
      } catch (ConfigException | IllegalArgumentException e) {
        err.println("cordwatch rules test: " + e.getMessage());
        return 2;
      }

      InputFiles input = InputFiles.collect(paths, "cordwatch rules test", err);
      if (input.existing() == 0) {
        return 2;
      }
      List<Path> files = input.files();
      List<String> notRead = input.notRead();

      Map<String, List<InstanceFacts>> bySeries = new LinkedHashMap<>();
      for (Path f : files) {
        try {
          InstanceFacts facts = DicomFacts.read(f);
          bySeries
              .computeIfAbsent(
                  facts.seriesInstanceUid() == null ? "" : facts.seriesInstanceUid(),
                  k -> new ArrayList<>())
              .add(facts);
        } catch (DicomReadException e) {
          notRead.add(f + ": " + e.reason());
        }
      }

      SeriesSelector selector = new SeriesSelector(rules);
      out.printf(
          "rules: axial within %s deg of z; T2 when TE >= %s ms and TR >= %s ms%n",
          plain(rules.axialMaxAngleDeg()),
          plain(rules.t2MinEchoTimeMs()),
          plain(rules.t2MinRepetitionTimeMs()));
      int instanceCount = bySeries.values().stream().mapToInt(List::size).sum();
      out.printf(
          "%d file(s): %d DICOM instance(s) in %d series, %d not read%n",
          files.size(), instanceCount, bySeries.size(), notRead.size());
      int selected = 0;
      for (Map.Entry<String, List<InstanceFacts>> e : ordered(bySeries)) {
        List<InstanceFacts> instances = e.getValue();
        SeriesDecision d = selector.decide(instances);
        if (d.selected()) {
          selected++;
        }
        out.println();
        out.println(d.summary() + " | " + describe(e.getKey(), instances));
        for (String reason : d.reasons()) {
          out.println("    " + reason);
        }
      }
      if (!notRead.isEmpty()) {
        out.println();
        out.println("not read:");
        for (String line : notRead) {
          out.println("    " + line);
        }
      }
      out.println();
      out.printf("%d of %d series would be graded%n", selected, bySeries.size());
      return 0;
    }

    private SelectionRules rules() {
      Map<String, String> flags = new LinkedHashMap<>();
      if (axialMaxAngle != null) {
        flags.put("axial-max-angle", axialMaxAngle);
      }
      if (t2MinTe != null) {
        flags.put("t2-min-te", t2MinTe);
      }
      if (t2MinTr != null) {
        flags.put("t2-min-tr", t2MinTr);
      }
      // The same loader as serve, so the file is checked (unknown keys, bad values) the same way.
      return StageSettings.selectionRules(Settings.load(rulesFrom, flags));
    }

    /** Regular files under {@code p}, in a stable order; unlistable folders go to notRead. */
    private static List<Map.Entry<String, List<InstanceFacts>>> ordered(
        Map<String, List<InstanceFacts>> bySeries) {
      Comparator<Map.Entry<String, List<InstanceFacts>>> bySeriesNumber =
          Comparator.comparing(
              e -> e.getValue().getFirst().seriesNumber(),
              Comparator.nullsLast(Comparator.naturalOrder()));
      return bySeries.entrySet().stream()
          .sorted(bySeriesNumber.thenComparing(e -> Uids.tag(e.getKey())))
          .toList();
    }

    /** Series number, description, size and hashed UID: never the UID itself or patient data. */
    private static String describe(String seriesUid, List<InstanceFacts> instances) {
      InstanceFacts first = instances.getFirst();
      int frames = instances.stream().mapToInt(InstanceFacts::frames).sum();
      StringBuilder sb = new StringBuilder("series ");
      sb.append(first.seriesNumber() == null ? "-" : first.seriesNumber());
      if (first.seriesDescription() != null) {
        sb.append(" \"").append(first.seriesDescription()).append('"');
      }
      sb.append(" | ")
          .append(instances.size())
          .append(instances.size() == 1 ? " instance" : " instances");
      if (frames != instances.size()) {
        sb.append(", ").append(frames).append(" frames");
      }
      sb.append(" | uid ").append(seriesUid.isEmpty() ? "(none)" : Uids.tag(seriesUid));
      return sb.toString();
    }

    private static String plain(double d) {
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
  }
}
