package io.cordwatch.cli;

import io.cordwatch.app.RetentionWiring;
import io.cordwatch.config.Settings;
import io.cordwatch.retention.Retention;
import io.cordwatch.retention.RetentionConfig;
import io.cordwatch.retention.RetentionPlan;
import io.cordwatch.store.Index;
import io.cordwatch.telemetry.Meters;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cordwatch retention}: what retention removes now under the configured rules, and (without
 * {@code --dry-run}) removing it, as the appliance's own timer would ({@link Retention}). Safe
 * while the appliance runs: one run at a time holds the data directory's retention lock. Exit 2
 * when there is no index, or another run holds the lock.
 */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description =
        "Show which studies and quarantined files retention removes now (retention-max-age,"
            + " retention-disk-high-water/-low-water, quarantine-max-age) and remove them.")
final class RetentionCommand implements Callable<Integer> {
  @Option(names = "--config", description = "The appliance's YAML config (data-dir and the rules)")
  Path config;

  @Option(names = "--data-dir", description = "The appliance's data directory (default: data)")
  Path dataDir;

  @Option(names = "--dry-run", description = "Only show what would go; change nothing")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new HashMap<>();
    if (dataDir != null) {
      flags.put("data-dir", dataDir.toString());
    }
    Settings s = Settings.load(config, flags);
    Path indexFile = s.dataDir().resolve("index.db");
    if (!Files.isRegularFile(indexFile)) {
      System.err.println(
          "cordwatch retention: no index at " + indexFile + " (is --data-dir the right folder?)");
      return 2;
    }
    try (Index index = Index.open(indexFile)) {
      Retention retention = RetentionWiring.retention(s, index, new Meters(), Clock.systemUTC());
      RetentionPlan plan = retention.plan();
      print(System.out, s.dataDir(), retention.config(), plan);
      if (dryRun) {
        System.out.println("dry run: nothing removed");
        return 0;
      }
      Optional<Retention.Outcome> done = retention.apply(plan);
      if (done.isEmpty()) {
        System.err.println(
            "cordwatch retention: another retention run holds this data directory (the"
                + " appliance's timer); try again in a moment");
        return 2;
      }
      Retention.Outcome o = done.get();
      System.out.printf(
          Locale.ROOT,
          "removed %d studies (%d bytes) and %d quarantined files (%d bytes)%s%n",
          o.studiesRemoved(),
          o.studyBytes(),
          o.quarantineRemoved(),
          o.quarantineBytes(),
          o.declined() + o.failed() > 0
              ? "; kept "
                  + (o.declined() + o.failed())
                  + " that changed since the plan or could not be removed (see the log)"
              : "");
      return 0;
    }
  }

  /** A duration as the settings write it: whole days, hours or minutes where it is one. */
  private static String human(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    } else if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    } else if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private static void print(
      PrintStream out, Path dataDir, RetentionConfig rules, RetentionPlan plan) {
    out.printf(
        Locale.ROOT,
        "data directory %s: %d settled studies (nothing arriving, no grading pending), %d held%n",
        dataDir.toAbsolutePath(),
        plan.settled(),
        plan.held());
    out.println(
        "age: "
            + (rules.maxAge().isZero()
                ? "rule off (retention-max-age 0)"
                : "studies last received before "
                    + plan.at().minus(rules.maxAge())
                    + " go (retention-max-age "
                    + human(rules.maxAge())
                    + ")"));
    out.println("disk: " + plan.disk());
    for (RetentionPlan.Removal r : plan.removals()) {
      out.printf(
          Locale.ROOT,
          "remove study %s (%s, last received %s, %d instances, %d bytes): %s%n",
          r.studyTag(),
          r.state(),
          r.lastReceived(),
          r.instances(),
          r.bytes(),
          r.reason());
    }
    out.println(
        "quarantine: "
            + (rules.quarantineMaxAge().isZero()
                ? "rule off (quarantine-max-age 0)"
                : plan.quarantine().size()
                    + " files older than "
                    + human(rules.quarantineMaxAge())
                    + " ("
                    + plan.quarantineBytes()
                    + " bytes)"));
    out.printf(
        Locale.ROOT,
        "in all: %d studies (%d bytes), %d quarantined files (%d bytes)%n",
        plan.removals().size(),
        plan.studyBytes(),
        plan.quarantine().size(),
        plan.quarantineBytes());
  }
}
