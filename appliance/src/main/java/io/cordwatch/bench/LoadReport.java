package io.cordwatch.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The table {@code bench load} prints: each load against the same sender unloaded in the same
 * process, with its goal, then the correctness checks and what the loads did. Medians throughout;
 * each single-sender figure is the median over its runs.
 */
final class LoadReport {
  private LoadReport() {}

  /** Goal: polling lowers the ingest rate by at most this fraction. */
  static final double POLLING_GOAL = 0.10;

  /** Goal: idle sockets delay a sender by at most this many seconds. */
  static final double IDLE_GOAL_S = 1.0;

  /** What the bench was asked to do. */
  record Setup(
      int senders,
      int instances,
      int size,
      int idle,
      int pollRate,
      int runs,
      Path bundle,
      long bytesPerSeries) {}

  /** Polling requests answered 200, and not (failed, timed out or another status). */
  record Polled(int ok, int failed) {}

  static void print(
      PrintWriter out,
      Path work,
      Setup s,
      List<LoadBench.Single> singles,
      LoadBench.Concurrent c,
      Polled polled,
      List<String> notes,
      List<String> failures)
      throws IOException {
    out.printf(
        Locale.ROOT,
        "load: one in-process appliance grading with %s; series of %d synthetic %dx%d MR instances"
            + " (%.0f KiB each); %d loaded/unloaded pairs per single-sender load, medians%n",
        s.bundle(),
        s.instances(),
        s.size(),
        s.size(),
        s.bytesPerSeries() / 1024.0 / s.instances(),
        s.runs());
    BenchHost.tableHead(
        out,
        work,
        "%-28s | %8s | %11s | %12s | %16s | %s",
        "load",
        "wall s",
        "instances/s",
        "unloaded i/s",
        "vs unloaded",
        "goal");
    double unloadedPoll = median(singles, "polling", false);
    double loadedPoll = median(singles, "polling", true);
    double unloadedIdle = median(singles, "idle", false);
    double loadedIdle = median(singles, "idle", true);
    double pollRatio = unloadedPoll / loadedPoll;
    row(
        out,
        String.format(Locale.ROOT, "HTTP polling %d/s", s.pollRate()),
        loadedPoll,
        s.instances() / loadedPoll,
        s.instances() / unloadedPoll,
        String.format(Locale.ROOT, "%.2fx rate", pollRatio),
        String.format(
            Locale.ROOT,
            ">= %.2fx, every request answered: %s (%d of %d answered)",
            1 - POLLING_GOAL,
            pollRatio >= 1 - POLLING_GOAL && polled.failed() == 0 ? "met" : "MISSED",
            polled.ok(),
            polled.ok() + polled.failed()));
    double delay = loadedIdle - unloadedIdle;
    long refused = singles.stream().filter(x -> x.load().equals("idle") && !x.complete()).count();
    row(
        out,
        String.format(Locale.ROOT, "%d idle sockets", s.idle()),
        loadedIdle,
        s.instances() / loadedIdle,
        s.instances() / unloadedIdle,
        String.format(Locale.ROOT, "%+.3f s", delay),
        String.format(
            Locale.ROOT,
            "<= +%.1f s, every send stored: %s%s",
            IDLE_GOAL_S,
            delay <= IDLE_GOAL_S && refused == 0 ? "met" : "MISSED",
            refused == 0 ? "" : " (" + refused + " loaded sends not stored in full)"));
    double unloadedAll = medianUnloaded(singles);
    double aggregate = c.expected() / c.wallSeconds();
    row(
        out,
        String.format(Locale.ROOT, "%d senders x %d", s.senders(), s.instances()),
        c.wallSeconds(),
        aggregate,
        s.instances() / unloadedAll,
        String.format(Locale.ROOT, "%.2fx rate", aggregate / (s.instances() / unloadedAll)),
        "all acknowledged, none duplicated, all graded");
    out.println();
    out.printf(
        Locale.ROOT,
        "wall s per run: polling loaded %s, unloaded %s; idle loaded %s, unloaded %s%n",
        walls(singles, "polling", true),
        walls(singles, "polling", false),
        walls(singles, "idle", true),
        walls(singles, "idle", false));
    out.printf(
        Locale.ROOT,
        "acknowledged: %d of %d instances by the %d concurrent senders%n",
        c.acknowledged(),
        c.expected(),
        s.senders());
    LoadBench.Counts k = c.counts();
    out.printf(
        Locale.ROOT,
        "index: %d instance rows for %d acknowledged (all phases), %d distinct SOP Instance UIDs, %d"
            + " duplicated, %d without their file%n",
        k.rows(),
        k.sent(),
        k.distinctSops(),
        k.duplicates(),
        k.missingFiles());
    out.printf(
        Locale.ROOT,
        "graded: %s%n",
        Double.isNaN(c.gradedAfterSeconds())
            ? "NOT every study (see below)"
            : String.format(
                Locale.ROOT,
                "every study, as GET /api/v1/studies shows it, %.1f s after the last sender"
                    + " finished",
                c.gradedAfterSeconds()));
    for (String n : notes) {
      out.println(n);
    }
    if (failures.isEmpty()) {
      out.println("correctness: passed (nothing lost, nothing duplicated, everything graded)");
    } else {
      for (String f : failures) {
        out.println("FAILED: " + f);
      }
      out.println("correctness: FAILED (" + failures.size() + " problems above)");
    }
    out.flush();
  }

  private static void row(
      PrintWriter out,
      String load,
      double wall,
      double rate,
      double unloadedRate,
      String versus,
      String goal) {
    out.printf(
        Locale.ROOT,
        "%-28s | %8.3f | %11.1f | %12.1f | %16s | %s%n",
        load,
        wall,
        rate,
        unloadedRate,
        versus,
        goal);
  }

  private static double median(List<LoadBench.Single> singles, String load, boolean loaded) {
    return BenchStats.median(
        singles.stream().filter(x -> x.load().equals(load) && x.loaded() == loaded).toList(),
        LoadBench.Single::wallSeconds);
  }

  private static double medianUnloaded(List<LoadBench.Single> singles) {
    return BenchStats.median(
        singles.stream().filter(x -> !x.loaded()).toList(), LoadBench.Single::wallSeconds);
  }

  private static String walls(List<LoadBench.Single> singles, String load, boolean loaded) {
    StringBuilder b = new StringBuilder();
    for (LoadBench.Single x : singles) {
      if (x.load().equals(load) && x.loaded() == loaded) {
        b.append(b.isEmpty() ? "" : " ")
            .append(String.format(Locale.ROOT, "%.3f", x.wallSeconds()));
      }
    }
    return b.toString();
  }
}
