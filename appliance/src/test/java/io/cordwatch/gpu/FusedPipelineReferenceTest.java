package io.cordwatch.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused pipeline on the host build against the Java references ({@link FusedReference}):
 * window, preprocess, projection backbone and head, in one chunk and in chunks of 4, with float32
 * and binary16 inputs. The same cases run on a GPU in the device check.
 */
class FusedPipelineReferenceTest {
  static Stream<Arguments> cases() {
    List<FusedReference.Case> cases = FusedReference.cases(20260602);
    return cases.stream()
        .flatMap(
            c ->
                Stream.of(
                    Arguments.of(c, 64, false),
                    Arguments.of(c, 4, false),
                    Arguments.of(c, 4, true)));
  }

  @ParameterizedTest(name = "{0}, batch {1}, fp16 input {2}")
  @MethodSource("cases")
  void agreesWithTheJavaReferences(FusedReference.Case c, int batch, boolean half) {
    FusedPipeline.Result r;
    try (FusedPipeline p =
        FusedPipeline.open(
            KernelLibrary.host(),
            new HostMemory(),
            FusedReference.hostProjection(c, batch, half),
            c.config())) {
      r = p.run(c.series());
    }
    FusedReference.Comparison cmp = FusedReference.compare(c, r, half);
    System.out.printf(
        "fused host %s batch %d %s: max |dp| %.2e, max ood rel %.2e, %d/%d grades checked%n",
        c,
        batch,
        half ? "fp16" : "fp32",
        cmp.maxProbability(),
        cmp.maxOodRelative(),
        cmp.gradesChecked(),
        r.count());
    assertTrue(cmp.agreed(), () -> String.join("\n", cmp.failures()));
    assertTrue(cmp.gradesChecked() > 0 || r.count() == 0, "no grade was clear enough to check");
  }
}
