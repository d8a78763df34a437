package io.cordwatch.cli;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.Logging;
import io.cordwatch.auth.AccessControl;
import io.cordwatch.auth.ApiTokens;
import io.cordwatch.auth.Scope;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.Dcmtk;
import io.cordwatch.grade.Verdict;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.SuppliedBoxes;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.store.StudyState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cordwatch demo}: the appliance on loopback, fed one synthetic study by DCMTK's storescu
 * exactly as a scanner would send it, with the outcome printed. Until a model bundle exists the
 * outcome is the receipt, the series-selection decisions and the queued grading job.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Serve on loopback, send a synthetic study by C-STORE, print what happened.")
final class DemoCommand implements Callable<Integer> {
  /** The name of the read token each demo run makes for itself. */
  static final String DEMO_TOKEN = "demo";

  @Option(names = "--exit", description = "Stop after printing the result instead of serving on")
  boolean exit;

  @Option(names = "--data-dir", description = "Data directory (default: data/demo)")
  Path dataDir = Path.of("data", "demo");

  @Option(names = "--dicom-port", description = "DICOM port (default 11112)")
  int dicomPort = 11112;

  @Option(names = "--http-port", description = "HTTP port (default 8080)")
  int httpPort = 8080;

  @Option(names = "--slices", description = "Axial T2 slices in the phantom study (default 40)")
  int slices = 40;

  @Option(
      names = "--seed",
      description = "Phantom seed (default 3: a study with a high-grade lesion)")
  long seed = 3;

  @Option(
      names = "--bundle",
      description =
          "Model bundle to grade with (default: the shipped demo bundle, appliance/demo-bundle);"
              + " its localizer finds the canal boxes, else the phantom's labels.csv supplies them;"
              + " without any bundle the job stays queued")
  Path bundle;

  @Override
  public Integer call() throws Exception {
    Logging.configure(Level.INFO);
    PrintStream out = System.out;
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("data-dir", dataDir.toString());
    flags.put("dicom-port", Integer.toString(dicomPort));
    flags.put("http-port", Integer.toString(httpPort));
    flags.put("bind", "127.0.0.1");
    flags.put("allow-ae", "DEMO");
    flags.put("disk-reserve", "200MB");
    if (bundle == null) {
      bundle = ShippedBundle.find().orElse(null);
    }
    Path input = dataDir.resolve("demo-input");
    deleteTree(input);
    Phantom.Result phantom =
        Phantom.generate(
            new Phantom.Options(input, 1, seed, StudyPlan.Style.INTERNAL, slices, false, false));
    List<Path> files;
    try (var s = Files.walk(input)) {
      files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Bundle loaded = bundle == null ? null : loadOrNull(bundle);
    boolean localizes = loaded != null && loaded.localizer().isPresent();
    if (bundle != null) {
      flags.put("bundle", bundle.toString());
      // The shipped demo bundle is not signed (no private key ships with CordWatch): the demo
      // runs it by the explicit setting, and every surface says UNSIGNED MODEL.
      flags.put("allow-unsigned-bundles", "on");
      if (!localizes) {
        // Without a localizer the phantom's own labels are the canal boxes.
        flags.put("boxes", phantom.labels().toString());
      }
    }
    Settings settings = Settings.load(null, flags);
    try (Appliance appliance = Appliance.start(settings, Clock.systemUTC())) {
      String token = demoToken(appliance);
      out.printf(
          "%nCordWatch demo: DICOM %s:%d (AE %s), status page http://127.0.0.1:%d/%n",
          settings.bind(), appliance.dicomPort(), settings.aeTitle(), appliance.httpPort());
      out.printf(
          "Sending a phantom study (%d axial T2 slices, plus a sagittal T2 and an axial T1 series that"
              + " must not be graded) with storescu...%n",
          slices);
      out.println("Its ground truth, computed from the phantom's own masks: " + truth(phantom));
      int acknowledged = send(appliance.dicomPort(), settings.aeTitle(), files);
      out.printf("storescu: %d of %d instances acknowledged%n", acknowledged, files.size());
      StudyRow study = awaitDecided(appliance.index(), 30, bundle != null);
      print(out, study, loaded == null ? null : loaded.name(), dataDir);
      if (localizes && study != null) {
        out.println(boxAgreement(study, phantom.labels()));
      }
      if (bundle == null) {
        out.println("Grading: " + Appliance.ENGINE_STATE + ". The queued job is visible with:");
        out.println(curl(token, appliance.httpPort(), study));
      } else {
        out.println("Engine: " + appliance.engineState());
        out.println(
            "UNSIGNED MODEL unless signed by a trusted key: the demo sets allow-unsigned-bundles:"
                + " on (docs/model-bundle.md, Signatures); a clinical appliance keeps it off");
        out.println("Per-slice results (with a read token made for this demo):");
        out.println(curl(token, appliance.httpPort(), study));
      }
      if (exit) {
        return acknowledged == files.size() && study != null ? 0 : 1;
      }
      out.println("Serving on; press Ctrl-C to stop.");
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
      return 0;
    }
  }

  /**
   * A read-scope API token for this demo's data directory only (the API shows results to nobody
   * without one); made afresh on each run, replacing the last run's.
   */
  private static String demoToken(Appliance appliance) {
    ApiTokens tokens = AccessControl.over(appliance.index(), Clock.systemUTC()).tokens();
    if (tokens.list().stream().anyMatch(t -> t.name().equals(DEMO_TOKEN))) {
      tokens.revoke(DEMO_TOKEN);
    }
    return tokens.add(DEMO_TOKEN, Scope.READ);
  }

  private static String curl(String token, int httpPort, StudyRow study) {
    return "  curl -H 'Authorization: Bearer "
        + token
        + "' http://127.0.0.1:"
        + httpPort
        + "/api/v1/studies/"
        + (study == null ? "" : study.studyUid());
  }

  private static String truth(Phantom.Result phantom) {
    StringBuilder b = new StringBuilder();
    int high = 0;
    for (Grade g : Grade.values()) {
      int n = phantom.gradeCounts()[g.ordinal()];
      if (n > 0) {
        b.append(b.isEmpty() ? "" : ", ").append(n).append(" x grade ").append(g.label());
      }
      if (g.high()) {
        high += n;
      }
    }
    return b + (high > 0 ? " -> high grade (" + high + " slices)" : " -> low grade");
  }

  private static int send(int port, String calledAe, List<Path> files)
      throws IOException, InterruptedException {
    List<String> sources = files.stream().map(Path::toString).toList();
    Process p;
    try {
      p = Dcmtk.storescu("DEMO", calledAe, port, List.of("-v"), sources).start();
    } catch (IOException e) {
      throw new IOException("storescu (DCMTK) is needed for the demo: apt-get install dcmtk", e);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("storescu did not finish in 120 s");
    }
    return (int) output.lines().filter(l -> l.contains(Dcmtk.STORE_SUCCESS)).count();
  }

  /**
   * Polls the index (with a deadline) until the newest study has left the receiving state, and when
   * grading, until its job has finished.
   */
  private static StudyRow awaitDecided(Index index, int seconds, boolean grading)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      List<StudyRow> newest = index.studies(null, 1);
      String state = newest.isEmpty() ? null : newest.get(0).state();
      boolean done =
          state != null
              && !StudyState.RECEIVING.sql().equals(state)
              && !(grading && StudyState.QUEUED.sql().equals(state));
      if (done) {
        return index.study(newest.get(0).studyUid()).orElse(null);
      }
      Thread.sleep(100);
    }
    return null;
  }

  private static void print(PrintStream out, StudyRow study, String running, Path dataDir) {
    if (study == null) {
      out.println("The study did not complete within 30 s; see the log above.");
      return;
    }
    out.printf(
        "%nStudy %s: %d instances in %d series, state %s%n",
        study.studyUid(), study.instanceCount(), study.seriesCount(), study.state());
    for (SeriesRow s : study.series()) {
      out.printf(
          "  series %s %-12s %3d instances  %s%s%n",
          s.seriesNumber() == null ? "-" : s.seriesNumber().toString(),
          s.description() == null ? "" : s.description(),
          s.instanceCount(),
          s.decisionSummary() == null ? s.state() : s.decisionSummary(),
          s.job() == null ? "" : "  [grading job " + s.job().state() + "]");
      if (s.verdictJson() != null) {
        Verdict v;
        try {
          v = VerdictJson.readVerdict(s.verdictJson());
        } catch (IllegalArgumentException e) {
          out.println("    verdict: unreadable verdict: " + e.getMessage());
          continue;
        }
        out.println("    verdict: " + verdictLine(v));
        String by = v.model() == null ? null : v.model().name();
        if (running != null && by != null && !by.equals(running)) {
          // The data folder held this study from an earlier run: its stored verdict is shown, and
          // it came from another bundle than the one running now.
          out.printf(
              "    (graded earlier by %s, not by %s: %s already held this study; delete that"
                  + " folder to grade it again)%n",
              by, running, dataDir);
        }
      }
    }
    out.println();
  }

  /** The bundle at {@code bundle}, or null when it does not load. */
  private static Bundle loadOrNull(Path bundle) {
    try {
      return Bundles.load(bundle);
    } catch (BundleException e) {
      return null; // the appliance's start-up names the problem
    }
  }

  /** How the localizer's boxes compare with the phantom's labels (inclusive-pixel IoU). */
  static String boxAgreement(StudyRow study, Path labels) {
    SuppliedBoxes truth = SuppliedBoxes.load(labels);
    List<Double> ious = new ArrayList<>();
    int slices = 0;
    for (SeriesRow s : study.series()) {
      for (SliceRow r : s.slices() == null ? List.<SliceRow>of() : s.slices()) {
        var label = truth.box(r.sopInstanceUid(), r.frame());
        if (label.isEmpty()) {
          continue;
        }
        slices++;
        int[] b = r.box();
        ious.add(b == null ? 0.0 : new CanalBox(b[0], b[1], b[2], b[3]).iou(label.get()));
      }
    }
    if (ious.isEmpty()) {
      return "Canal boxes: no graded slice to compare with the phantom's labels.";
    }
    ious.sort(null);
    long good = ious.stream().filter(v -> v >= 0.8).count();
    return String.format(
        java.util.Locale.ROOT,
        "Canal boxes from the bundle's localizer vs the phantom's labels: IoU >= 0.8 on %d of %d"
            + " slices, median %.3f, lowest %.3f",
        good,
        slices,
        ious.get(ious.size() / 2),
        ious.getFirst());
  }

  /** One line from a verdict: study grade, group, segments, and the model that made it. */
  private static String verdictLine(Verdict v) {
    StringBuilder b =
        new StringBuilder("grade ")
            .append(v.grade() == null ? "none" : v.grade())
            .append(" (")
            .append(v.group() == null ? "-" : v.group())
            .append(
                v.indeterminateReason() != null
                    ? ": read manually, " + v.indeterminateReason()
                    : "")
            .append("), ")
            .append(v.segments().size())
            .append(" segment(s)");
    for (Verdict.Segment seg : v.segments()) {
      b.append("; slices ")
          .append(seg.firstSlice() + 1)
          .append("-")
          .append(seg.lastSlice() + 1)
          .append(" max ")
          .append(seg.maxGrade());
    }
    return b.append("; ")
        .append(v.counts().graded())
        .append(" of ")
        .append(v.counts().slices())
        .append(" slices graded in ")
        .append(v.timings().totalMs())
        .append(" ms")
        .append(v.model() == null ? "" : " by " + v.model().name())
        .toString();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
