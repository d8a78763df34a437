package io.cordwatch.bench;

import io.cordwatch.app.Logging;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.grade.SliceResult;
import io.cordwatch.grade.Verdict;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.FusedEngine;
import io.cordwatch.roi.SuppliedBoxes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cordwatch bench fused}: one phantom series graded by the CPU path (Java preprocessing and
 * head around ONNX Runtime) and by the fused pipeline on the host build of the kernels around the
 * same ONNX Runtime graph (docs/gpu.md, "The fused path"), in alternating order, with the agreement
 * of the two results. It measures what the GPU path's orchestration and C kernels cost on a CPU; it
 * says nothing about a GPU (on a GPU box the verdicts' own timings do).
 */
@Command(
    name = "fused",
    description = {
      "The CPU path against the fused kernel pipeline on the host build (same ONNX Runtime"
          + " backbone) on one phantom series: wall time, stage times, agreement. No GPU."
    },
    mixinStandardHelpOptions = true)
final class FusedBench implements Callable<Integer> {
  @CommandLine.Spec CommandSpec spec;

  @CommandLine.Mixin PhantomSeries series;

  private record Run(double wallMs, Verdict.Timings timings) {}

  @Override
  public Integer call() throws IOException {
    Bundle bundle = validate();
    Logging.configure(Level.WARNING);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("cordwatch-bench-fused-");
    try {
      PhantomSeries.Written phantom = series.write(work.resolve("phantom"), series.seed());
      List<SeriesGrader.Input> inputs = phantom.inputs();
      SuppliedBoxes boxes = phantom.boxes();
      List<Run> cpu = new ArrayList<>();
      List<Run> fused = new ArrayList<>();
      SeriesResult cpuResult;
      SeriesResult fusedResult;
      try (BackboneEngine engine = Bundles.openEngine(bundle);
          FusedEngine host =
              FusedEngine.host(Bundles.openEngine(bundle), bundle, false, SeriesGrader.BATCH)) {
        SeriesGrader cpuGrader = new SeriesGrader(bundle, engine, boxes);
        SeriesGrader fusedGrader = new SeriesGrader(bundle, host, boxes);
        err.println("cordwatch bench: warm-up (untimed)");
        err.flush();
        cpuResult = cpuGrader.grade("bench", "bench", inputs);
        fusedResult = fusedGrader.grade("bench", "bench", inputs);
        for (int run = 1; run <= series.runs; run++) {
          err.printf("cordwatch bench: run %d/%d%n", run, series.runs);
          err.flush();
          if (run % 2 == 1) {
            cpu.add(time(cpuGrader, inputs));
            fused.add(time(fusedGrader, inputs));
          } else {
            fused.add(time(fusedGrader, inputs));
            cpu.add(time(cpuGrader, inputs));
          }
        }
      }
      report(out, work, bundle, cpuResult, fusedResult, cpu, fused);
      return 0;
    } finally {
      BenchHost.deleteTree(work);
    }
  }

  private Bundle validate() {
    return series.validate(spec.commandLine());
  }

  private static Run time(SeriesGrader grader, List<SeriesGrader.Input> inputs) {
    long t0 = System.nanoTime();
    SeriesResult r = grader.grade("bench", "bench", inputs);
    return new Run((System.nanoTime() - t0) / 1e6, r.verdict().timings());
  }

  private void report(
      PrintWriter out,
      Path work,
      Bundle bundle,
      SeriesResult cpuResult,
      SeriesResult fusedResult,
      List<Run> cpu,
      List<Run> fused)
      throws IOException {
    Verdict.Counts c = cpuResult.verdict().counts();
    out.printf(
        Locale.ROOT,
        "fused: 1 phantom series, %d axial T2 slices %dx%d (%d graded), bundle %s, batch %d;"
            + " median of %d runs after 1 warm-up%n",
        c.slices(),
        series.size,
        series.size,
        c.graded(),
        bundle.name(),
        SeriesGrader.BATCH,
        series.runs);
    BenchHost.tableHead(
        out,
        work,
        "%-48s | %8s | %9s | %13s | %12s | %7s",
        "path",
        "wall ms",
        "decode ms",
        "preprocess ms",
        "inference ms",
        "head ms");
    row(out, "CPU: Java preprocess + ORT + Java head", cpu);
    row(out, "fused, host kernels: C preprocess + ORT + C head", fused);
    out.println();
    out.println(
        "fused stage times: preprocess = upload + histogram window, inference = preprocess"
            + " kernel + backbone + head kernel, head = 0 (inside the pass)");
    double maxP = 0;
    double maxOod = 0;
    int differentGrades = 0;
    for (int i = 0; i < cpuResult.slices().size(); i++) {
      SliceResult a = cpuResult.slices().get(i);
      SliceResult b = fusedResult.slices().get(i);
      if (!a.status().equals(SliceResult.GRADED) || !b.status().equals(SliceResult.GRADED)) {
        continue;
      }
      List<Double> pa = new ArrayList<>(a.probabilities().values());
      List<Double> pb = new ArrayList<>(b.probabilities().values());
      for (int k = 0; k < pa.size(); k++) {
        maxP = Math.max(maxP, Math.abs(pa.get(k) - pb.get(k)));
      }
      maxOod = Math.max(maxOod, Math.abs(a.ood() - b.ood()) / Math.max(1e-30, Math.abs(a.ood())));
      differentGrades += a.grade().equals(b.grade()) ? 0 : 1;
    }
    out.printf(
        Locale.ROOT,
        "agreement: max |dp| %.2e, max OOD relative %.2e, %d of %d graded slices with another"
            + " grade; verdict %s vs %s%n",
        maxP,
        maxOod,
        differentGrades,
        c.graded(),
        cpuResult.verdict().grade(),
        fusedResult.verdict().grade());
  }

  private static void row(PrintWriter out, String name, List<Run> runs) {
    out.printf(
        Locale.ROOT,
        "%-48s | %8.1f | %9.1f | %13.1f | %12.1f | %7.1f%n",
        name,
        BenchStats.median(runs, Run::wallMs),
        BenchStats.median(runs, r -> r.timings().decodeMs()),
        BenchStats.median(runs, r -> r.timings().preprocessMs()),
        BenchStats.median(runs, r -> r.timings().inferenceMs()),
        BenchStats.median(runs, r -> r.timings().headMs()));
  }
}
