package io.cordwatch.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fused pipeline on a GPU ({@link CudaMemory}, the CUDA build, a device projection as the
 * backbone) against the Java references and against the same pipeline on the host build. Skips,
 * saying why, where there is no CUDA library or device — on the machine this was written on, it has
 * never run (kernels/device-check.sh runs the same cases on a lent GPU).
 */
@Tag("gpu")
class FusedPipelineCudaTest {
  private static CudaRuntime rt;
  private static KernelLibrary cuda;

  @BeforeAll
  static void device() {
    assumeTrue(
        KernelLibrary.class.getResource(KernelLibrary.resourceName(KernelLibrary.Flavour.CUDA))
            != null,
        "the CUDA library was not built (no nvcc when kernels/ was built)");
    assumeTrue(
        CudaRuntime.find().isPresent(),
        () -> "no CUDA device: " + CudaRuntime.unavailableReason().orElse("?"));
    rt = CudaRuntime.find().orElseThrow();
    cuda = KernelLibrary.cuda();
  }

  @Test
  void theFusedPipelineOnTheGpuAgreesWithTheReferencesAndTheHostBuild() {
    for (FusedReference.Case c : FusedReference.cases(20260603)) {
      FusedPipeline.Result gpu;
      try (FusedPipeline p =
          FusedPipeline.open(
              cuda, new CudaMemory(rt), FusedReference.deviceProjection(c, 4, rt), c.config())) {
        gpu = p.run(c.series());
      }
      FusedReference.Comparison cmp = FusedReference.compare(c, gpu, false);
      assertTrue(cmp.agreed(), () -> c + ":\n" + String.join("\n", cmp.failures()));
      FusedPipeline.Result host;
      try (FusedPipeline p =
          FusedPipeline.open(
              KernelLibrary.host(),
              new HostMemory(),
              FusedReference.hostProjection(c, 4, false),
              c.config())) {
        host = p.run(c.series());
      }
      assertArrayEquals(host.grades(), gpu.grades(), c::toString);
    }
  }
}
