package io.cordwatch.bench;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.Logging;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.Dcmtk;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.grade.Verdict;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.InputShape;
import io.cordwatch.infer.ObservedEngine;
import io.cordwatch.phantom.PhantomWriter;
import io.cordwatch.roi.SuppliedBoxes;
import io.cordwatch.store.Index;
import io.cordwatch.store.JobState;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.StudyRow;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cordwatch bench grade}: what the grading pipeline costs on top of the model itself, and
 * how long a radiologist waits for a verdict after the scanner's last instance.
 *
 * <p>Throughput asks one question: how close is grading a stored series to running only the
 * backbone? The peer is the same {@code OnnxRuntimeEngine}, in the same process, embedding the very
 * tensors the full path built, in the same batches. Those tensors are captured by a recording
 * engine during the untimed warm-up run, so the peer cannot drift from the product's preprocessing
 * (a second, bench-only preprocessing would measure itself). The timed full-path runs use the bare
 * engine, so the recording's copies cost nothing there. A third path grades from decodes made
 * beforehand: what the appliance still does at series completion when it decoded the files as they
 * arrived. The order of the three rotates every run, and wall time is reported with the process's
 * CPU time, which another tenant's load on a shared machine disturbs far less.
 *
 * <p>Latency is read from the appliance's own index, not from the bench's clock: the last
 * instance's stored time (its index commit, just before its Success response goes out) and the
 * job's finish time (the commit of the verdict), both on the appliance clock. The bench only polls
 * to learn that the verdict exists, so its poll interval does not enter the figure. Each run starts
 * a fresh appliance on a fresh data directory, because a re-sent identical instance is acknowledged
 * without being stored again and would never queue a new job.
 */
@Command(
    name = "grade",
    description = {
      "Grading throughput: full path (decode, preprocess, infer, head) against raw ONNX Runtime"
          + " embed of the same tensors, and last-instance-to-verdict latency through the"
          + " appliance with storescu."
    },
    mixinStandardHelpOptions = true)
final class GradeBench implements Callable<Integer> {
  /** Release graces the latency part runs with: a short one and the appliance default. */
  static final List<String> GRACES = List.of("100ms", "1s");

  /** The latency part runs with grading as slices arrive (the default) and without. */
  static final List<String> STREAMING = List.of("on", "off");

  private static final String CALLING_AE = "BENCH";
  private static final Duration VERDICT_DEADLINE = Duration.ofSeconds(120);

  @CommandLine.Spec CommandSpec spec;

  @CommandLine.Mixin PhantomSeries series;

  /** One full-path run: its wall and process CPU time and the verdict's own stage timings. */
  private record FullRun(double wallMs, double cpuMs, Verdict.Timings timings) {}

  /** One raw run: wall and process CPU time. */
  private record RawRun(double wallMs, double cpuMs) {}

  /**
   * CPU time of this process (every thread: ours, ONNX Runtime's pool, the JVM's). On a machine
   * shared with other work, wall time grows with their load but CPU time barely does, so the CPU
   * ratio is the steadier of the two; it counts threads that spin while waiting, too.
   */
  private static double cpuMs() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() / 1e6
        : Double.NaN;
  }

  /**
   * One latency run, in ms on the appliance clock; {@code gradedAhead} when the verdict committed
   * was the one graded as the slices arrived.
   */
  private record LatencyRun(
      double lastToVerdictMs,
      double completionToVerdictMs,
      double gradingMs,
      boolean gradedAhead) {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    Bundle bundle = validate();
    BenchHost.requireTool("storescu");
    Logging.configure(Level.WARNING);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("cordwatch-bench-grade-");
    try {
      long seed = series.seed();
      Path phantomDir = work.resolve("phantom");
      err.printf(
          "cordwatch bench: writing a %d-slice %dx%d phantom study (seed %d) to %s%n",
          series.slices, series.size, series.size, seed, phantomDir);
      err.flush();
      PhantomSeries.Written phantom = series.write(phantomDir, seed);
      List<Path> files =
          phantom.phantom().slices().stream().map(PhantomWriter.Written::file).distinct().toList();
      String studyUid = phantom.phantom().slices().getFirst().studyUid();
      List<SeriesGrader.Input> inputs = phantom.inputs();
      SuppliedBoxes boxes = phantom.boxes();

      List<FullRun> full = new ArrayList<>();
      List<FullRun> ahead = new ArrayList<>();
      List<RawRun> raw = new ArrayList<>();
      Recorder recorder;
      SeriesResult reference;
      String engineName;
      InputShape shape;
      try (BackboneEngine engine = Bundles.openEngine(bundle)) {
        engineName = engine.name();
        shape = engine.inputShape();
        recorder = new Recorder();
        err.println("cordwatch bench: throughput warm-up (untimed)");
        err.flush();
        reference =
            new SeriesGrader(bundle, ObservedEngine.borrowing(engine, recorder), boxes)
                .grade(studyUid, "bench", inputs);
        if (recorder.embedded() == 0) {
          throw new IllegalStateException(
              "no slice of the phantom series was embedded (no canal boxes?); nothing to compare");
        }
        rawRun(engine, recorder);
        SeriesGrader grader = new SeriesGrader(bundle, engine, boxes);
        // What the appliance grades at completion when the files were decoded as they arrived.
        List<SeriesGrader.DecodedInput> decoded = SeriesGrader.decodeAll(inputs);
        for (int run = 1; run <= series.runs; run++) {
          err.printf("cordwatch bench: throughput run %d/%d%n", run, series.runs);
          err.flush();
          // Each of the three goes first, second and third in turn.
          for (int k = 0; k < 3; k++) {
            switch ((run + k) % 3) {
              case 0 -> full.add(fullRun(grader, studyUid, inputs, null, reference));
              case 1 -> raw.add(rawRun(engine, recorder));
              default -> ahead.add(fullRun(grader, studyUid, null, decoded, reference));
            }
          }
        }
      }

      Map<String, List<LatencyRun>> latency = new HashMap<>();
      for (String grace : GRACES) {
        for (String streaming : STREAMING) {
          List<LatencyRun> l = new ArrayList<>();
          for (int run = 0; run <= series.runs; run++) {
            err.printf(
                "cordwatch bench: latency, release-grace %s, streaming %s, %s%n",
                grace,
                streaming,
                run == 0 ? "warm-up (untimed)" : "run " + run + "/" + series.runs);
            err.flush();
            LatencyRun r =
                latencyRun(
                    work.resolve("latency-" + grace + "-" + streaming + "-" + run),
                    grace,
                    streaming,
                    files,
                    studyUid);
            if (run > 0) {
              l.add(r);
            }
          }
          latency.put(grace + "/" + streaming, l);
        }
      }

      report(
          out,
          work,
          bundle,
          engineName,
          shape,
          reference,
          recorder.embedded(),
          full,
          ahead,
          raw,
          latency);
      return 0;
    } finally {
      BenchHost.deleteTree(work);
    }
  }

  private Bundle validate() {
    return series.validate(spec.commandLine());
  }

  /** Grades from the files ({@code inputs}) or from decodes made earlier ({@code decoded}). */
  private static FullRun fullRun(
      SeriesGrader grader,
      String studyUid,
      List<SeriesGrader.Input> inputs,
      List<SeriesGrader.DecodedInput> decoded,
      SeriesResult ref) {
    double c0 = cpuMs();
    long t0 = System.nanoTime();
    SeriesResult r =
        inputs != null
            ? grader.grade(studyUid, "bench", inputs)
            : grader.grade(studyUid, "bench", decoded, () -> false);
    double wall = (System.nanoTime() - t0) / 1e6;
    double cpu = cpuMs() - c0;
    // The timed runs must do the work the reference did, or the ratio compares different things.
    if (!r.verdict().counts().equals(ref.verdict().counts())
        || !Objects.equals(r.verdict().grade(), ref.verdict().grade())) {
      throw new IllegalStateException(
          "a timed run graded differently from the warm-up: "
              + r.verdict().counts()
              + " against "
              + ref.verdict().counts());
    }
    return new FullRun(wall, cpu, r.verdict().timings());
  }

  /** Embeds every recorded batch once. */
  private static RawRun rawRun(BackboneEngine engine, Recorder recorder) {
    double c0 = cpuMs();
    long t0 = System.nanoTime();
    for (Recorder.Batch b : recorder.batches()) {
      float[][] e = engine.embed(b.nchw().duplicate(), b.size());
      if (e.length != b.size()) {
        throw new IllegalStateException("raw embed returned " + e.length + " of " + b.size());
      }
    }
    return new RawRun((System.nanoTime() - t0) / 1e6, cpuMs() - c0);
  }

  private LatencyRun latencyRun(
      Path dir, String grace, String streaming, List<Path> files, String studyUid)
      throws IOException, InterruptedException {
    Map<String, String> m = BenchHost.applianceSettings(dir, CALLING_AE);
    m.put("release-grace", grace);
    m.put("streaming", streaming);
    m.put("bundle", series.bundlePath.toString());
    m.put("boxes", files.getFirst().getParent().getParent().resolve("labels.csv").toString());
    Settings settings = Settings.load(null, m);
    try (Appliance appliance = Appliance.start(settings, Clock.systemUTC())) {
      Path log = dir.resolve("storescu.log");
      send(appliance.dicomPort(), settings.aeTitle(), files, log);
      Index index = appliance.index();
      long deadline = System.nanoTime() + VERDICT_DEADLINE.toNanos();
      while (true) {
        Optional<SeriesRow> graded =
            index.study(studyUid).map(StudyRow::series).orElse(List.of()).stream()
                .filter(s -> s.verdictJson() != null && s.job() != null)
                .filter(s -> JobState.DONE.sql().equals(s.job().state()))
                .findFirst();
        if (graded.isPresent()) {
          // The worker counts (the graded series, and whether it was graded ahead) just after
          // its commit.
          while (appliance.meters().seriesGraded() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          SeriesRow s = graded.get();
          long verdictMs = s.job().updatedMs();
          Verdict v = VerdictJson.readVerdict(s.verdictJson());
          return new LatencyRun(
              verdictMs - s.lastReceivedMs(),
              s.completedMs() == null ? Double.NaN : verdictMs - s.completedMs(),
              v.timings().totalMs(),
              appliance.meters().streamingOutcomes("committed") > 0);
        }
        if (!appliance.index().jobs(JobState.FAILED).isEmpty()) {
          throw new IllegalStateException(
              "grading failed: " + appliance.index().jobs(JobState.FAILED).getFirst().error());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "no verdict " + VERDICT_DEADLINE.toSeconds() + " s after the last instance");
        }
        Thread.sleep(10);
      }
    }
  }

  private static void send(int port, String calledAe, List<Path> files, Path log)
      throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    List<String> sources = files.stream().map(Path::toString).toList();
    Process p =
        Dcmtk.storescu(CALLING_AE, calledAe, port, List.of(), sources)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException("storescu did not finish in 300 s; see " + log);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "storescu exited with " + p.exitValue() + ": " + BenchHost.tail(log));
    }
  }

  private void report(
      PrintWriter out,
      Path work,
      Bundle bundle,
      String engineName,
      InputShape shape,
      SeriesResult reference,
      int embedded,
      List<FullRun> full,
      List<FullRun> ahead,
      List<RawRun> raw,
      Map<String, List<LatencyRun>> latency)
      throws IOException {
    Verdict.Counts c = reference.verdict().counts();
    out.printf(
        Locale.ROOT,
        "grade: 1 phantom series, %d axial T2 slices %dx%d (%d with a canal box, embedded), bundle"
            + " %s, %s %dx%dx%d -> D=%d, batch %d; median of %d runs after 1 warm-up%n",
        c.slices(),
        series.size,
        series.size,
        embedded,
        bundle.name(),
        engineName,
        shape.channels(),
        shape.height(),
        shape.width(),
        bundle.embeddingWidth(),
        SeriesGrader.BATCH,
        series.runs);
    BenchHost.tableHead(
        out,
        work,
        "%-24s | %8s | %8s | %8s | %9s | %13s | %12s | %7s",
        "path",
        "slices/s",
        "wall ms",
        "cpu ms",
        "decode ms",
        "preprocess ms",
        "inference ms",
        "head ms");
    double fullMs = BenchStats.median(full, FullRun::wallMs);
    double rawMs = BenchStats.median(raw, RawRun::wallMs);
    double fullCpu = BenchStats.median(full, FullRun::cpuMs);
    double rawCpu = BenchStats.median(raw, RawRun::cpuMs);
    double aheadMs = BenchStats.median(ahead, FullRun::wallMs);
    double aheadCpu = BenchStats.median(ahead, FullRun::cpuMs);
    List<Double> pairs = new ArrayList<>();
    for (int i = 0; i < full.size(); i++) {
      pairs.add(full.get(i).wallMs() / raw.get(i).wallMs());
    }
    out.printf(
        Locale.ROOT,
        "%-24s | %8.1f | %8.1f | %8.0f | %9.1f | %13.1f | %12.1f | %7.1f%n",
        "full: files -> verdict",
        embedded / (fullMs / 1000),
        fullMs,
        fullCpu,
        BenchStats.median(full, r -> r.timings().decodeMs()),
        BenchStats.median(full, r -> r.timings().preprocessMs()),
        BenchStats.median(full, r -> r.timings().inferenceMs()),
        BenchStats.median(full, r -> r.timings().headMs()));
    out.printf(
        Locale.ROOT,
        "%-24s | %8.1f | %8.1f | %8.0f | %9s | %13.1f | %12.1f | %7.1f%n",
        "decoded ahead -> verdict",
        embedded / (aheadMs / 1000),
        aheadMs,
        aheadCpu,
        "-",
        BenchStats.median(ahead, r -> r.timings().preprocessMs()),
        BenchStats.median(ahead, r -> r.timings().inferenceMs()),
        BenchStats.median(ahead, r -> r.timings().headMs()));
    out.printf(
        Locale.ROOT,
        "%-24s | %8.1f | %8.1f | %8.0f | %9s | %13s | %12.1f | %7s%n",
        "raw: embed same tensors",
        embedded / (rawMs / 1000),
        rawMs,
        rawCpu,
        "-",
        "-",
        rawMs,
        "-");
    out.println();
    out.printf(
        Locale.ROOT,
        "wall ms per run: full %s; decoded ahead %s; raw %s%n",
        runsOf(full.stream().map(FullRun::wallMs).toList()),
        runsOf(ahead.stream().map(FullRun::wallMs).toList()),
        runsOf(raw.stream().map(RawRun::wallMs).toList()));
    out.printf(
        Locale.ROOT,
        "ratio full/raw: %.2fx by median wall time (goal <= 1.10x); %.2fx median of each run's"
            + " pair; %.2fx by process CPU time%n",
        fullMs / rawMs,
        BenchStats.median(pairs, d -> d),
        fullCpu / rawCpu);
    out.printf(
        Locale.ROOT,
        "ratio decoded ahead/raw: %.2fx by median wall time; %.2fx by process CPU time (the"
            + " appliance's work at series completion when streaming decoded the files as they"
            + " arrived)%n",
        aheadMs / rawMs,
        aheadCpu / rawCpu);
    out.println(
        "stage ms are the verdict's own timings, whole ms truncated; cpu ms is this process's CPU"
            + " time over the run (all threads), steadier than wall time on a shared machine");
    out.println();
    out.printf(
        Locale.ROOT,
        "latency: the same series sent by storescu (one association, TCP_NODELAY=1) to an"
            + " in-process appliance (fresh data dir per run), %d runs after 1 warm-up; appliance"
            + " clock: last instance stored -> verdict committed; p95 is nearest-rank%n",
        series.runs);
    out.println();
    String format = "%-13s | %-9s | %13s | %13s | %24s | %13s | %12s";
    String lhead =
        String.format(
            Locale.ROOT,
            format,
            "release-grace",
            "streaming",
            "last->verdict",
            "last->verdict",
            "series complete->verdict",
            "grading total",
            "graded ahead");
    out.println(lhead);
    out.println(
        String.format(Locale.ROOT, format, "", "", "p50 ms", "p95 ms", "p50 ms", "p50 ms", "runs"));
    out.println("-".repeat(lhead.length()));
    for (String grace : GRACES) {
      for (String streaming : STREAMING) {
        List<LatencyRun> l = latency.get(grace + "/" + streaming);
        double[] sorted = l.stream().mapToDouble(LatencyRun::lastToVerdictMs).sorted().toArray();
        out.printf(
            Locale.ROOT,
            "%-13s | %-9s | %13.0f | %13.0f | %24.0f | %13.0f | %12s%n",
            grace + (grace.equals("1s") ? " (dflt)" : ""),
            streaming + (streaming.equals("on") ? " (dflt)" : ""),
            BenchStats.nearestRank(sorted, 0.50),
            BenchStats.nearestRank(sorted, 0.95),
            BenchStats.median(l, LatencyRun::completionToVerdictMs),
            BenchStats.median(l, LatencyRun::gradingMs),
            l.stream().filter(LatencyRun::gradedAhead).count() + "/" + l.size());
      }
    }
    out.println();
    for (String grace : GRACES) {
      for (String streaming : STREAMING) {
        out.printf(
            Locale.ROOT,
            "last->verdict ms per run, release-grace %s, streaming %s: %s%n",
            grace,
            streaming,
            runsOf(
                latency.get(grace + "/" + streaming).stream()
                    .map(LatencyRun::lastToVerdictMs)
                    .toList()));
      }
    }
    out.flush();
  }

  private static String runsOf(List<Double> values) {
    StringBuilder b = new StringBuilder();
    for (double v : values) {
      b.append(b.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v));
    }
    return b.toString();
  }

  /**
   * Copies every batch the full path embeds (watching the engine through {@link ObservedEngine}),
   * so the raw peer can replay exactly what the full path produced.
   */
  static final class Recorder implements ObservedEngine.Observer {
    record Batch(FloatBuffer nchw, int size) {}

    private final List<Batch> batches = new ArrayList<>();

    List<Batch> batches() {
      return batches;
    }

    int embedded() {
      return batches.stream().mapToInt(Batch::size).sum();
    }

    @Override
    public void batch(FloatBuffer nchw, int batch, InputShape shape, float[][] embeddings) {
      int floats = batch * shape.itemSize();
      FloatBuffer copy =
          ByteBuffer.allocateDirect(floats * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      copy.put(nchw.slice(nchw.position(), floats)).flip();
      batches.add(new Batch(copy, batch));
    }
  }
}
