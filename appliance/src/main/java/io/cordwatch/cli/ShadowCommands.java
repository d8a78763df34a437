package io.cordwatch.cli;

import io.cordwatch.config.ConfigException;
import io.cordwatch.store.IndexSnapshot;
import io.cordwatch.store.StoreException;
import io.cordwatch.web.BundleControl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch bundle shadow ID|--off} and {@code cordwatch bundle shadow-report}: run an
 * installed version in shadow beside the active one on a running appliance, and compare the two,
 * and each with the site's readers, on the series both graded (docs/model-bundle.md, "Shadow
 * mode").
 */
final class ShadowCommands {
  private ShadowCommands() {}

  /** Exactly one of: a bundle id, or --off. */
  static final class Choice {
    @Parameters(paramLabel = "ID", description = "Installed version to run in shadow.")
    String id;

    @Option(names = "--off", description = "Stop running a bundle in shadow.")
    boolean off;
  }

  @Command(
      name = "shadow",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Run an installed version in shadow beside the active one: a running appliance grades"
            + " every series with it too, after the active verdict is committed, and stores what it"
            + " finds apart; nothing of it is published, alerted or shown as the verdict. Same"
            + " signature rules as activate. One shadow at a time; --off stops it. Recorded with"
            + " an audit row; taken up within a second, no restart.",
        "Compare with: cordwatch bundle shadow-report"
      })
  static final class Shadow implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BundleLifecycleCommands.StoreOptions options;

    @ArgGroup(multiplicity = "1")
    Choice choice;

    @Override
    public Integer call() {
      String id = choice.off ? null : choice.id;
      return BundleLifecycleCommands.withStore(
          spec,
          options,
          "shadow",
          (life, out) -> {
            BundleControl.Switched s = life.shadowChecked(id, BundleLifecycleCommands.actor());
            if (!s.changed()) {
              out.println(id == null ? "shadow mode is already off" : id + " is already in shadow");
            } else if (id == null) {
              out.println("shadow off (was " + s.from() + ")");
            } else {
              out.println(
                  "shadow: "
                      + id
                      + (s.from() == null ? "" : " (was " + s.from() + ")")
                      + "; a running appliance grades every series with it too, never publishing"
                      + " its findings");
            }
            return 0;
          });
    }
  }

  @Command(
      name = "shadow-report",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Compare the shadow bundle with the active one on the series both graded: agreement on"
            + " the 6 grades and on high vs low (Gwet's AC1, kappa) per slice and per study, and,"
            + " where the site's readers confirmed or corrected grades, each model against the"
            + " readers (sensitivity and specificity for high grade). Names both bundles (id,"
            + " SHA-256) and the data (counts, dates). Reads the index only; the appliance may run.",
        "Exit status 0 with a report, 1 when there is nothing to compare."
      })
  static final class Report implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BundleLifecycleCommands.StoreOptions options;

    @Option(
        names = "--bundle",
        paramLabel = "ID",
        description =
            "The shadow bundle to report on (default: the one in shadow now, else the last).")
    String bundle;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Write the report as HTML.")
    Path html;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Path db;
      try {
        db = options.settings().dataDir().resolve("index.db");
      } catch (ConfigException e) {
        err.println("cordwatch bundle shadow-report: " + e.getMessage());
        err.flush();
        return 1;
      }
      if (!Files.isRegularFile(db)) {
        err.println(
            "cordwatch bundle shadow-report: no appliance index at "
                + db
                + " (give the appliance's --data-dir or --config)");
        err.flush();
        return 1;
      }
      // Read-only, one read transaction: the appliance may be running; a stopped box's data
      // directory is left byte for byte as it was.
      try (IndexSnapshot index = IndexSnapshot.open(db)) {
        ShadowReport r = ShadowReport.of(index, bundle);
        r.text(out);
        if (json != null) {
          Files.writeString(json, r.json(), StandardCharsets.UTF_8);
          out.println("written: " + json);
        }
        if (html != null) {
          Files.writeString(html, ShadowReportHtml.render(r), StandardCharsets.UTF_8);
          out.println("written: " + html);
        }
        return 0;
      } catch (ShadowReport.NothingToCompare e) {
        err.println("cordwatch bundle shadow-report: " + e.getMessage());
        return 1;
      } catch (ConfigException | StoreException e) {
        err.println("cordwatch bundle shadow-report: " + e.getMessage());
        return 1;
      } catch (IOException e) {
        err.println("cordwatch bundle shadow-report: cannot write: " + e.getMessage());
        return 1;
      } finally {
        out.flush();
        err.flush();
      }
    }
  }
}
