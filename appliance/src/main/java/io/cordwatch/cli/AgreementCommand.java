package io.cordwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cordwatch.stats.Dichotomous;
import io.cordwatch.stats.LandisKoch;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch agreement --counts TP,FN,FP,TN}: the study's dichotomous statistics (high grade
 * against low grade) from a 2 x 2 table someone already has, e.g. a reader study on paper.
 */
@Command(
    name = "agreement",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Agreement on high grade (1c/2/3) vs low grade from a 2x2 table: Gwet's AC1, Cohen's kappa,",
      "sensitivity and specificity with 95%% CIs (docs/statistics.md).",
      "Exit status: 0 done, 2 bad counts."
    })
final class AgreementCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--counts",
      required = true,
      paramLabel = "TP,FN,FP,TN",
      description =
          "Reference high & reader high, reference high & reader low, reference low & reader"
              + " high, reference low & reader low.")
  String counts;

  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long[] c;
    try {
      c = parse(counts);
    } catch (IllegalArgumentException e) {
      err.println("cordwatch agreement: --counts " + e.getMessage());
      err.flush();
      return 2;
    }
    Dichotomous d = Dichotomous.of(c[0], c[1], c[2], c[3]);
    if (json) {
      out.println(GradeCommand.JSON.writeValueAsString(document(d)));
    } else {
      out.printf(
          "n = %d (TP %d, FN %d, FP %d, TN %d); high grade = 1c, 2, 3%n",
          d.n(), c[0], c[1], c[2], c[3]);
      out.println("Gwet's AC1:    " + StatsJson.text(d.ac1(), "no subjects") + band(d));
      out.println(
          "Cohen's kappa: "
              + StatsJson.text(d.cohenKappa(), "both readers used one category only"));
      out.println(
          "sensitivity:   "
              + StatsJson.text(d.sensitivity(), "no reference high grade")
              + String.format(" [%d/%d]", c[0], c[0] + c[1]));
      out.println(
          "specificity:   "
              + StatsJson.text(d.specificity(), "no reference low grade")
              + String.format(" [%d/%d]", c[3], c[3] + c[2]));
    }
    out.flush();
    return 0;
  }

  private static String band(Dichotomous d) {
    return d.ac1().defined()
        ? ", " + LandisKoch.of(d.ac1().value()).label() + " (Landis-Koch)"
        : "";
  }

  static Map<String, Object> document(Dichotomous d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", d.n());
    m.put(
        "counts",
        Map.of(
            "tp", d.truePositives(),
            "fn", d.falseNegatives(),
            "fp", d.falsePositives(),
            "tn", d.trueNegatives()));
    Map<String, Object> ac1 = StatsJson.interval(d.ac1());
    if (d.ac1().defined()) {
      ac1.put("landis_koch", LandisKoch.of(d.ac1().value()).label());
    }
    m.put("ac1", ac1);
    m.put("cohen_kappa", StatsJson.interval(d.cohenKappa()));
    m.put("sensitivity", StatsJson.interval(d.sensitivity()));
    m.put("specificity", StatsJson.interval(d.specificity()));
    return m;
  }

  static long[] parse(String s) {
    String[] parts = s.split(",", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "needs 4 comma-separated counts TP,FN,FP,TN, got " + parts.length + ": '" + s + "'");
    }
    String[] names = {"TP", "FN", "FP", "TN"};
    long[] c = new long[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i].strip();
      try {
        c[i] = Long.parseLong(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(names[i] + " is not a whole number: '" + p + "'", e);
      }
      if (c[i] < 0) {
        throw new IllegalArgumentException(names[i] + " is negative: " + c[i]);
      }
    }
    if (c[0] + c[1] + c[2] + c[3] == 0) {
      throw new IllegalArgumentException("are all 0: agreement of no subjects is undefined");
    }
    return c;
  }
}
