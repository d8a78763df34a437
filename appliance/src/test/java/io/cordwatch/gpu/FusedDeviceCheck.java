package io.cordwatch.gpu;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The fused pipeline's part of the device check (kernels/device-check.sh, after {@link
 * KernelDeviceCheck}): the whole orchestration — series upload, histogram window, chunked
 * preprocess -> backbone -> head on one stream, one copy back — on the GPU with {@link CudaMemory}
 * (device memory, pinned staging, a stream), checked against the appliance's Java references with
 * the bounds of {@link FusedReference}. The backbone is a projection (one pitched device-to-device
 * copy of each item's first D values), because the device check has no TensorRT it can rely on;
 * what is checked is everything around the backbone. Times are wall clock per series, as the grader
 * sees them (median of the runs after one warm-up), split into the window stage and the grading
 * stage.
 *
 * <p>{@code --host} runs the same on the host build with host memory: the dry run.
 *
 * <p>Exit status: 0 all cases agreed, 1 a case disagreed, 2 a usage or set-up error.
 */
public final class FusedDeviceCheck {
  private FusedDeviceCheck() {}

  public static void main(String[] args) {
    boolean host = false;
    int reps = 20;
    int batch = 16;
    long seed = System.nanoTime();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = true;
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> {
          System.err.println("usage: FusedDeviceCheck [--host] [--reps N] [--batch N] [--seed S]");
          System.exit(2);
        }
      }
    }
    CudaRuntime rt = null;
    KernelLibrary kernels;
    try {
      if (host) {
        kernels = KernelLibrary.host();
      } else {
        var found = CudaRuntime.find();
        if (found.isEmpty()) {
          System.err.println(
              "fused check: no CUDA device: "
                  + CudaRuntime.unavailableReason().orElse("unknown reason"));
          System.exit(2);
          return;
        }
        rt = found.get();
        kernels = KernelLibrary.cuda();
      }
    } catch (KernelException e) {
      System.err.println("fused check: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.printf(
        "%nfused pipeline (%s kernels, %s; projection backbone; batch %d; seed %d)%n",
        kernels.flavour().name().toLowerCase(Locale.ROOT), kernels.build(), batch, seed);
    System.out.printf(
        "%-78s %-5s %9s %9s %10s %10s %10s%n",
        "case", "check", "max|dp|", "ood rel", "series ms", "window ms", "grade ms");
    int failed = 0;
    List<FusedReference.Case> cases = FusedReference.cases(seed);
    for (FusedReference.Case c : cases) {
      PipelineMemory memory = host ? new HostMemory() : new CudaMemory(rt);
      PipelineBackbone backbone =
          host
              ? FusedReference.hostProjection(c, batch, false)
              : FusedReference.deviceProjection(c, batch, rt);
      try (FusedPipeline p = FusedPipeline.open(kernels, memory, backbone, c.config())) {
        FusedPipeline.Result first = p.run(c.series());
        FusedReference.Comparison cmp = FusedReference.compare(c, first, false);
        double[] total = new double[reps];
        double[] window = new double[reps];
        double[] grade = new double[reps];
        for (int r = 0; r < reps; r++) {
          long t0 = System.nanoTime();
          FusedPipeline.Result again = p.run(c.series());
          total[r] = (System.nanoTime() - t0) / 1e6;
          window[r] = again.windowNanos() / 1e6;
          grade[r] = again.gradeNanos() / 1e6;
          if (!Arrays.equals(again.probabilities(), first.probabilities())) {
            cmp.failures().add("run " + r + " differs from the first run (not deterministic)");
          }
        }
        System.out.printf(
            "%-78s %-5s %9.2e %9.2e %10.3f %10.3f %10.3f%n",
            c,
            cmp.agreed() ? "ok" : "FAIL",
            cmp.maxProbability(),
            cmp.maxOodRelative(),
            KernelDeviceCheck.median(total),
            KernelDeviceCheck.median(window),
            KernelDeviceCheck.median(grade));
        for (String f : cmp.failures().subList(0, Math.min(5, cmp.failures().size()))) {
          System.out.println("    " + f);
        }
        failed += cmp.agreed() ? 0 : 1;
      } catch (RuntimeException e) {
        System.out.printf("%-78s FAIL  %s%n", c, e);
        failed++;
      }
    }
    System.out.printf(
        "fused pipeline: %d of %d cases agreed with the references%n",
        cases.size() - failed, cases.size());
    System.exit(failed == 0 ? 0 : 1);
  }
}
