package io.cordwatch.bench;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.Logging;
import io.cordwatch.auth.AccessControl;
import io.cordwatch.auth.Scope;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.StudyRow;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code cordwatch bench load}: one appliance under the loads a hospital network puts on it, each
 * measured against the same appliance unloaded in the same process, and checked for what must never
 * happen under load (an instance lost, stored twice, or a series left ungraded).
 *
 * <p>Three loads, in this order, on one in-process appliance with the settings it ships with (only
 * loopback, free ports, the bench's AE titles, no disk reserve, the given bundle):
 *
 * <ul>
 *   <li><b>HTTP polling</b>: {@code --poll-rate} authenticated GETs a second ({@link HttpPoller})
 *       while one sender sends a fresh series; its ingest rate against the same sender with no
 *       polling. Goal: no more than 10% lower.
 *   <li><b>Slow-loris</b>: {@code --idle} TCP connections that never finish an A-ASSOCIATE-RQ
 *       ({@link IdleSockets}) while one sender sends a fresh series; its wall time against the same
 *       sender with none. Goal: no more than 1 s slower.
 *   <li><b>Concurrent senders</b>: {@code --senders} {@code storescu} processes at once, each with
 *       its own calling AE title (one AE may hold only half of {@code max-associations}), each
 *       sending its own series of {@code --instances}. Checked: every instance acknowledged (exit
 *       status and the Success responses in each sender's log), the index holds each SOP Instance
 *       UID once and every sender's count, every stored file exists, and every study the bench sent
 *       ends {@code graded}, as the API (polled with a read token) reports it.
 * </ul>
 *
 * <p>Each timed single-sender run is paired with an unloaded run of its own, in alternating order,
 * {@code --runs} times, and before each run the bench waits until every study sent so far has its
 * verdict: grading is the appliance's own work after ingest, and leaving it running behind a timed
 * send would charge it to whichever side came second. The correctness checks are the bench's exit
 * status: it fails (exit 1, saying what was lost, duplicated or ungraded) whatever the timings
 * were; the goals are reported, not enforced, because they depend on the machine.
 */
@Command(
    name = "load",
    description = {
      "One appliance under load: concurrent senders (all acknowledged, none duplicated, all"
          + " graded), idle slow-loris sockets and HTTP polling against the same sender unloaded."
    },
    mixinStandardHelpOptions = true)
final class LoadBench implements Callable<Integer> {
  static final int MAX_SENDERS = 100;
  static final int MAX_INSTANCES = 10_000;
  static final int MAX_IDLE = 2000;
  static final int MAX_POLL_RATE = 1000;
  static final int MAX_RUNS = 20;
  static final String BENCH_AE = "BENCH";
  private static final long SEND_TIMEOUT_S = 1800;
  private static final long DRIP_MS = 1000;

  @CommandLine.Spec CommandSpec spec;

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "B",
      description = "Model bundle the appliance grades with (folder or .zip), e.g. the demo bundle")
  Path bundle;

  @Option(
      names = "--senders",
      defaultValue = "25",
      description = "Concurrent senders, one series each (default: ${DEFAULT-VALUE})")
  int senders;

  @Option(
      names = "--instances",
      defaultValue = "200",
      description = "Instances in each series (default: ${DEFAULT-VALUE})")
  int instances;

  @Option(
      names = "--size",
      defaultValue = "64",
      description = "Rows and columns of the synthetic MR slices (default: ${DEFAULT-VALUE})")
  int size;

  @Option(
      names = "--idle",
      defaultValue = "200",
      description =
          "Idle (slow-loris) sockets held during the slow-loris runs (default: ${DEFAULT-VALUE})")
  int idle;

  @Option(
      names = "--poll-rate",
      defaultValue = "50",
      description =
          "Authenticated HTTP requests a second during the polling runs (default: ${DEFAULT-VALUE})")
  int pollRate;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Loaded/unloaded pairs of each single-sender load (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--grade-timeout",
      defaultValue = "1800",
      description = "Seconds to wait for every study to be graded (default: ${DEFAULT-VALUE})")
  int gradeTimeout;

  @CommandLine.Mixin WorkFolder folder;

  /** One single-sender run: its wall time, whether it was loaded and whether all was stored. */
  record Single(String load, boolean loaded, double wallSeconds, boolean complete) {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    validate();
    BenchHost.requireTool("storescu");
    Logging.configure(Level.WARNING);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work = folder.create("cordwatch-load-");
    try {
      Inputs inputs = writeInputs(work, err);
      try (Appliance appliance = Appliance.start(settings(work), Clock.systemUTC())) {
        LoadRun run = new LoadRun(appliance, work, inputs, err);
        return run.all(out);
      }
    } finally {
      folder.release(work);
    }
  }

  /** The series the bench sends: one per concurrent sender, and one per single-sender run. */
  record Inputs(List<Path> concurrent, List<Path> singles, long bytesPerSeries) {}

  private Inputs writeInputs(Path work, PrintWriter err) throws IOException {
    int singles = 1 + 2 * 2 * runs;
    err.printf(
        Locale.ROOT,
        "cordwatch bench: writing %d series of %d synthetic %dx%d MR instances to %s%n",
        senders + singles,
        instances,
        size,
        size,
        work.resolve("input"));
    err.flush();
    List<Path> concurrent = new ArrayList<>();
    List<Path> single = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < senders + singles; i++) {
      Path dir = work.resolve("input").resolve(i < senders ? "sender-" + (i + 1) : "single-" + i);
      List<Path> files =
          SyntheticStudy.write(dir, new SyntheticStudy.Spec(instances, false, false, size, i + 1));
      if (i == 0) {
        for (Path f : files) {
          bytes += Files.size(f);
        }
      }
      (i < senders ? concurrent : single).add(dir);
    }
    return new Inputs(concurrent, single, bytes);
  }

  private Settings settings(Path work) {
    List<String> aes = new ArrayList<>(List.of(BENCH_AE));
    for (int i = 1; i <= senders; i++) {
      aes.add(senderAe(i));
    }
    Map<String, String> m = BenchHost.applianceSettings(work, String.join(",", aes));
    m.put("retention-interval", "0");
    // One slot per sender at the least; the shipped default (25) is what the figure uses.
    m.put("max-associations", Integer.toString(Math.max(25, senders)));
    m.put("bundle", bundle.toString());
    // As the demo: the bench grades with whatever bundle it is given, signed or not.
    m.put("allow-unsigned-bundles", "on");
    return Settings.load(null, m);
  }

  static String senderAe(int i) {
    return String.format(Locale.ROOT, "LOAD%03d", i);
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    range(cl, "--senders", senders, 1, MAX_SENDERS);
    range(cl, "--instances", instances, 1, MAX_INSTANCES);
    range(cl, "--size", size, IngestBench.MIN_SIZE, IngestBench.MAX_SIZE);
    range(cl, "--idle", idle, 0, MAX_IDLE);
    range(cl, "--poll-rate", pollRate, 1, MAX_POLL_RATE);
    range(cl, "--runs", runs, 1, MAX_RUNS);
    range(cl, "--grade-timeout", gradeTimeout, 1, 24 * 3600);
    if (!Files.exists(bundle)) {
      throw new ParameterException(cl, "--bundle " + bundle + " does not exist");
    }
    try {
      Bundles.load(bundle);
    } catch (BundleException e) {
      throw new ParameterException(cl, "--bundle " + bundle + ": " + e.getMessage());
    }
    folder.check(cl);
  }

  private static void range(CommandLine cl, String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ParameterException(
          cl, name + " must be between " + min + " and " + max + ", was " + value);
    }
  }

  /** The phases against one running appliance, and what they found. */
  private final class LoadRun {
    private final Appliance appliance;
    private final Path work;
    private final Inputs inputs;
    private final PrintWriter err;
    private final String token;
    private final String base;
    private final List<Single> singles = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private int nextSingle;
    private int httpOk;
    private int httpFailed;
    private int studiesSent;
    private long instancesSent;

    LoadRun(Appliance appliance, Path work, Inputs inputs, PrintWriter err) {
      this.appliance = appliance;
      this.work = work;
      this.inputs = inputs;
      this.err = err;
      this.token =
          AccessControl.over(appliance.index(), Clock.systemUTC())
              .tokens()
              .add("bench-load", Scope.READ);
      this.base = "http://127.0.0.1:" + appliance.httpPort();
    }

    int all(PrintWriter out) throws IOException, InterruptedException {
      notes.add("load average at the start: " + BenchHost.loadAverage());
      progress("warm-up: one sender, untimed");
      single("warm-up", false);
      for (int r = 0; r < runs; r++) {
        progress("HTTP polling, pair " + (r + 1) + "/" + runs);
        pair("polling", r);
      }
      for (int r = 0; r < runs; r++) {
        progress("slow-loris, pair " + (r + 1) + "/" + runs);
        pair("idle", r);
      }
      progress(senders + " concurrent senders x " + instances + " instances");
      Concurrent c = concurrent();
      notes.add("load average at the end: " + BenchHost.loadAverage());
      LoadReport.print(
          out,
          work,
          new LoadReport.Setup(
              senders, instances, size, idle, pollRate, runs, bundle, inputs.bytesPerSeries()),
          singles,
          c,
          new LoadReport.Polled(httpOk, httpFailed),
          notes,
          failures);
      return failures.isEmpty() ? 0 : 1;
    }

    private void progress(String what) {
      err.println("cordwatch bench: " + what);
      err.flush();
    }

    /** One loaded and one unloaded run; which goes first alternates with the pair. */
    private void pair(String load, int r) throws IOException, InterruptedException {
      if (r % 2 == 0) {
        single(load, true);
        single(load, false);
      } else {
        single(load, false);
        single(load, true);
      }
    }

    /** Sends the next single series, under {@code load} if {@code loaded}, and records its time. */
    private void single(String load, boolean loaded) throws IOException, InterruptedException {
      awaitGraded();
      Path folder = inputs.singles().get(nextSingle++);
      Path logs = Files.createDirectories(work.resolve("logs"));
      List<Storescu.Sender> s =
          List.of(
              new Storescu.Sender(
                  BENCH_AE, folder, logs.resolve(folder.getFileName() + "-storescu.log")));
      Storescu.Result r;
      if (!loaded) {
        r =
            Storescu.send(
                appliance.dicomPort(), appliance.settings().aeTitle(), s, true, SEND_TIMEOUT_S);
      } else if (load.equals("polling")) {
        HttpPoller p = HttpPoller.start(base, token, pollRate);
        try {
          r =
              Storescu.send(
                  appliance.dicomPort(), appliance.settings().aeTitle(), s, true, SEND_TIMEOUT_S);
        } finally {
          p.close();
        }
        notes.add(p.summary());
        httpOk += p.ok();
        httpFailed += p.failed();
      } else {
        IdleSockets sockets = IdleSockets.open(appliance.dicomPort(), idle, DRIP_MS);
        try {
          r =
              Storescu.send(
                  appliance.dicomPort(), appliance.settings().aeTitle(), s, true, SEND_TIMEOUT_S);
        } finally {
          sockets.close();
        }
        notes.add(sockets.summary());
      }
      // A study exists only once something of it was acknowledged; the index must then hold
      // exactly what was acknowledged (a refused send is a finding of its own, below).
      studiesSent += r.acknowledged() > 0 ? 1 : 0;
      instancesSent += r.acknowledged();
      // A sender turned away under load is a missed goal (the report says so), not a loss: it
      // was never told Success. The warm-up and unloaded sends must store everything.
      if (r.firstFailure() >= 0 || r.acknowledged() != instances) {
        (loaded ? notes : failures)
            .add(
                String.format(
                    Locale.ROOT,
                    "single sender (%s, %s): %d of %d acknowledged, exit %d: %s",
                    load,
                    loaded ? "loaded" : "unloaded",
                    r.acknowledged(),
                    instances,
                    r.exits().getFirst(),
                    BenchHost.tail(s.getFirst().log())));
      }
      if (!load.equals("warm-up")) {
        singles.add(new Single(load, loaded, r.wallSeconds(), r.acknowledged() == instances));
      }
    }

    private Concurrent concurrent() throws IOException, InterruptedException {
      awaitGraded();
      Path logs = Files.createDirectories(work.resolve("logs"));
      List<Storescu.Sender> s = new ArrayList<>();
      for (int i = 0; i < senders; i++) {
        s.add(
            new Storescu.Sender(
                senderAe(i + 1),
                inputs.concurrent().get(i),
                logs.resolve("sender-" + (i + 1) + "-storescu.log")));
      }
      Storescu.Result r =
          Storescu.send(
              appliance.dicomPort(), appliance.settings().aeTitle(), s, true, SEND_TIMEOUT_S);
      long sentAt = System.nanoTime();
      for (int acked : r.successes()) {
        studiesSent += acked > 0 ? 1 : 0;
        instancesSent += acked;
      }
      for (int i = 0; i < senders; i++) {
        int acked = r.successes().get(i);
        if (r.exits().get(i) != 0 || acked != instances) {
          failures.add(
              String.format(
                  Locale.ROOT,
                  "sender %s: %d of %d acknowledged, exit %d: %s",
                  senderAe(i + 1),
                  acked,
                  instances,
                  r.exits().get(i),
                  BenchHost.tail(s.get(i).log())));
        }
      }
      double graded = awaitGradedThroughApi() ? (System.nanoTime() - sentAt) / 1e9 : Double.NaN;
      Counts counts = counts();
      return new Concurrent(r.wallSeconds(), r.acknowledged(), senders * instances, graded, counts);
    }

    /** Waits, untimed, until every study sent so far has left receiving and queued. */
    private void awaitGraded() throws InterruptedException {
      long deadline = System.nanoTime() + gradeTimeout * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        List<StudyRow> all = appliance.index().studies(null, 10_000);
        if (all.size() >= studiesSent && all.stream().allMatch(LoadBench::settled)) {
          return;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException(
          "studies were still being received or graded " + gradeTimeout + " s after their send");
    }

    /**
     * Polls the API's study list, as a client would, until every study sent is graded; true then,
     * false (with a failure recorded) when one ends otherwise or the time runs out.
     */
    private boolean awaitGradedThroughApi() throws IOException, InterruptedException {
      long deadline = System.nanoTime() + gradeTimeout * 1_000_000_000L;
      StudyStates last = null;
      while (System.nanoTime() < deadline) {
        last = StudyStates.fetch(base, token);
        if (last.total() >= studiesSent && last.settled()) {
          break;
        }
        Thread.sleep(250);
      }
      if (last == null || last.graded() != studiesSent) {
        failures.add(
            "not every study was graded: "
                + (last == null ? "no answer from the API" : last.describe())
                + " of "
                + studiesSent
                + " sent");
        return false;
      }
      return true;
    }

    /** What the index holds, per SOP Instance UID and per sender. */
    private Counts counts() {
      List<InstanceRow> rows = appliance.index().allInstances();
      Set<String> sops = new HashSet<>();
      Set<String> paths = new HashSet<>();
      int duplicates = 0;
      int missingFiles = 0;
      Map<String, Integer> perAe = new HashMap<>();
      Path data = appliance.settings().dataDir();
      for (InstanceRow row : rows) {
        if (!sops.add(row.sopInstanceUid()) || !paths.add(row.path())) {
          duplicates++;
        }
        if (!Files.isRegularFile(data.resolve(row.path()))) {
          missingFiles++;
        }
        perAe.merge(row.callingAe(), 1, Integer::sum);
      }
      Counts c = new Counts(rows.size(), sops.size(), duplicates, missingFiles, instancesSent);
      if (rows.size() != instancesSent) {
        failures.add(
            "the index holds "
                + rows.size()
                + " instances, "
                + instancesSent
                + " were acknowledged");
      }
      if (duplicates > 0) {
        failures.add(duplicates + " instances are in the index more than once");
      }
      if (missingFiles > 0) {
        failures.add(missingFiles + " indexed instances have no file in the spool");
      }
      for (int i = 1; i <= senders; i++) {
        int n = perAe.getOrDefault(senderAe(i), 0);
        if (n != instances) {
          failures.add("sender " + senderAe(i) + ": the index holds " + n + " of " + instances);
        }
      }
      return c;
    }
  }

  /**
   * What the concurrent phase found: the senders' wall time (first start to last exit), Success
   * responses against instances sent, seconds from the last sender's exit until the API showed
   * every study graded (NaN if it never did), and the index totals.
   */
  record Concurrent(
      double wallSeconds,
      int acknowledged,
      int expected,
      double gradedAfterSeconds,
      Counts counts) {}

  /** Index totals after the concurrent phase. */
  record Counts(int rows, int distinctSops, int duplicates, int missingFiles, long sent) {}

  private static boolean settled(StudyRow s) {
    return !s.state().equals("receiving") && !s.state().equals("queued");
  }
}
