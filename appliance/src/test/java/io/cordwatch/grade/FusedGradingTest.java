package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.EngineException;
import io.cordwatch.infer.FallbackEngine;
import io.cordwatch.infer.FusedEngine;
import io.cordwatch.infer.InputShape;
import io.cordwatch.infer.ObservedEngine;
import io.cordwatch.infer.SeriesEngine;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.BoxSource;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.SuppliedBoxes;
import io.cordwatch.testing.MutableClock;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A phantom series graded three ways: the CPU path (Java preprocessing and head around ONNX
 * Runtime, the reference), and the fused pipeline on the host build of the kernels around the same
 * ONNX Runtime graph, with float32 and with binary16 input tensors. No GPU runs here; this is the
 * GPU path's orchestration (window, box marshalling, chunks, head outputs, result assembly,
 * non-finite handling, the fall-back to the CPU) run for real.
 *
 * <p>Tolerances. Float32: the preprocess kernel is within 1e-6 of the reference on unit values and
 * the head kernel within 1e-4 on probabilities and 1e-5 relative on distances (kernels/README.md);
 * through the torch-exported test backbone the differences stay far below that, so probabilities
 * are held to 1e-4 and OOD scores to 1e-4 relative, and grades must match except where the two most
 * probable classes are within 1e-3 of each other. Binary16: inputs move by one binary16 step (about
 * 5e-4 relative), which the backbone turns into embedding changes of the same order; probabilities
 * are held to 1e-2 and OOD to 1e-2 relative, grades as above with 2e-2.
 */
class FusedGradingTest {
  @TempDir static Path tmp;
  private static Bundle bundle;
  private static BoxSource boxes;
  private static List<SeriesGrader.Input> inputs;
  private static SeriesResult cpu;

  /** Both paths call slices by P(high) against this, the rule a trained bundle carries. */
  private static final double HIGH_THRESHOLD = 0.3;

  @BeforeAll
  static void phantomAndCpuReference() throws Exception {
    Bundle tiny = TorchFixture.bundle(tmp.resolve("tiny"));
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 17, StudyPlan.Style.INTERNAL, 14, false, false));
    SuppliedBoxes labelled = SuppliedBoxes.load(phantom.resolve("labels.csv"));
    // Every third labelled slice loses its box: those count towards the window only.
    List<String> rows = Files.readAllLines(phantom.resolve("labels.csv"));
    int sopColumn = List.of(rows.getFirst().split(",")).indexOf("sop_instance_uid");
    java.util.Set<String> dropped = new java.util.HashSet<>();
    for (int i = 1; i < rows.size(); i += 3) {
      dropped.add(rows.get(i).split(",")[sopColumn]);
    }
    boxes = (sop, frame) -> dropped.contains(sop) ? Optional.empty() : labelled.box(sop, frame);
    inputs = axial(phantom.resolve("study-0001"));
    bundle = spreadHead(tiny);
    try (BackboneEngine engine = Bundles.openEngine(bundle)) {
      cpu = new SeriesGrader(bundle, engine, boxes).grade("study", "series", inputs);
    }
    long graded = cpu.slices().stream().filter(s -> s.status().equals(SliceResult.GRADED)).count();
    assertTrue(graded >= 5, "the phantom has boxed slices: " + graded);
    assertTrue(graded < inputs.size(), "and slices without a box");
    java.util.Set<String> grades = new java.util.HashSet<>();
    double spread = 0;
    int uncertain = 0;
    for (SliceResult sl : cpu.slices()) {
      if (sl.status().equals(SliceResult.GRADED)) {
        grades.add(sl.grade());
        double top = sl.probabilities().values().stream().mapToDouble(x -> x).max().orElseThrow();
        spread = Math.max(spread, 1 - top);
        uncertain += sl.uncertain() ? 1 : 0;
      }
    }
    assertTrue(grades.size() > 1, "the head separates the slices: " + grades);
    assertTrue(spread > 0.1, "and its softmax is not one-hot: " + spread);
    assertTrue(uncertain > 0 && uncertain < graded, "some slices are uncertain: " + uncertain);
    for (SliceResult sl : cpu.slices()) {
      if (sl.status().equals(SliceResult.GRADED)) {
        double sum = 0;
        for (String c : Bundle.DEFAULT_HIGH_GRADE) {
          sum += sl.probabilities().get(c);
        }
        assertEquals(sum, sl.pHigh(), 1e-6, "P(high) is p(1c) + p(2) + p(3)");
        assertEquals(sl.pHigh() >= HIGH_THRESHOLD, sl.highCall(), "called by the threshold");
      }
    }
  }

  /**
   * The torch-tiny backbone with a head placed where this series' embeddings are: each prototype
   * near one graded slice's embedding, T the mean gap between nearest and second-nearest, the OOD
   * scale the mean nearest distance and the threshold 1. The random test head would make almost
   * every softmax one-hot, and then probabilities would compare equal whatever the tensors were.
   */
  private static Bundle spreadHead(Bundle tiny) throws Exception {
    List<float[]> seen = new ArrayList<>();
    try (BackboneEngine ort = Bundles.openEngine(tiny);
        BackboneEngine recording =
            ObservedEngine.borrowing(
                ort, (nchw, batch, shape, embeddings) -> seen.addAll(List.of(embeddings)))) {
      new SeriesGrader(tiny, recording, boxes).grade("study", "series", inputs);
    }
    int k = Bundle.DEFAULT_CLASSES.size();
    int d = seen.getFirst().length;
    java.util.Random r = new java.util.Random(3);
    float[][] p = new float[k][d];
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(4 * k * d).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < k; c++) {
      float[] near = seen.get((c * 7) % seen.size());
      for (int j = 0; j < d; j++) {
        p[c][j] = (float) (near[j] + r.nextGaussian() * 0.05 * Math.abs(near[j]));
        b.putFloat(p[c][j]);
      }
    }
    double gaps = 0;
    double nearest = 0;
    for (float[] e : seen) {
      double[] dist = new double[k];
      for (int c = 0; c < k; c++) {
        for (int j = 0; j < d; j++) {
          dist[c] += (e[j] - p[c][j]) * (double) (e[j] - p[c][j]);
        }
      }
      java.util.Arrays.sort(dist);
      gaps += dist[1] - dist[0];
      nearest += dist[0];
    }
    Path protos = Files.write(tmp.resolve("spread-prototypes.f32"), b.array());
    return Bundles.create(
            tmp.resolve("bundle"),
            new Bundles.Recipe(
                "fused-test",
                TorchFixture.backbone(),
                protos,
                Bundle.DEFAULT_CLASSES,
                Bundle.DEFAULT_HIGH_GRADE,
                gaps / seen.size(),
                nearest / seen.size(),
                1.0,
                tiny.preprocessing(),
                tiny.provenance(),
                HIGH_THRESHOLD))
        .bundle();
  }

  private static List<SeriesGrader.Input> axial(Path study) throws Exception {
    try (Stream<Path> s = Files.list(study)) {
      return s.filter(p -> p.getFileName().toString().matches("ax-t2-\\d+\\.dcm"))
          .sorted()
          .map(p -> new SeriesGrader.Input(null, p))
          .toList();
    }
  }

  private static SeriesResult fused(boolean half, BoxSource source, List<SeriesGrader.Input> in) {
    try (FusedEngine engine = FusedEngine.host(Bundles.openEngine(bundle), bundle, half, 4)) {
      return new SeriesGrader(bundle, engine, source).grade("study", "series", in);
    }
  }

  /** The largest differences, after asserting statuses, boxes and (clear) grades alike. */
  private static double[] compare(SeriesResult ref, SeriesResult got, double gradeMargin) {
    assertEquals(ref.slices().size(), got.slices().size());
    double maxP = 0;
    double maxOod = 0;
    for (int i = 0; i < ref.slices().size(); i++) {
      SliceResult a = ref.slices().get(i);
      SliceResult b = got.slices().get(i);
      assertEquals(a.sopInstanceUid(), b.sopInstanceUid(), "slice order");
      assertEquals(a.status(), b.status(), a.sopInstanceUid());
      assertEquals(a.reason(), b.reason(), a.sopInstanceUid());
      assertEquals(a.box(), b.box(), a.sopInstanceUid());
      if (!a.status().equals(SliceResult.GRADED)) {
        continue;
      }
      List<Double> pa = new ArrayList<>(a.probabilities().values());
      List<Double> pb = new ArrayList<>(b.probabilities().values());
      assertEquals(a.probabilities().keySet(), b.probabilities().keySet());
      for (int c = 0; c < pa.size(); c++) {
        maxP = Math.max(maxP, Math.abs(pa.get(c) - pb.get(c)));
      }
      maxOod = Math.max(maxOod, Math.abs(a.ood() - b.ood()) / Math.abs(a.ood()));
      List<Double> sorted = pa.stream().sorted().toList();
      double margin = sorted.get(sorted.size() - 1) - sorted.get(sorted.size() - 2);
      if (margin > gradeMargin) {
        assertEquals(a.grade(), b.grade(), a.sopInstanceUid() + " " + pa + " vs " + pb);
      }
      assertEquals(a.uncertain(), b.uncertain());
      double dHigh = Math.abs(a.pHigh() - b.pHigh());
      maxP = Math.max(maxP, dHigh);
      if (Math.abs(a.pHigh() - HIGH_THRESHOLD) > gradeMargin) {
        assertEquals(a.highCall(), b.highCall(), a.sopInstanceUid() + " p_high " + a.pHigh());
      }
    }
    return new double[] {maxP, maxOod};
  }

  @Test
  void theFusedHostPipelineGradesLikeTheCpuPath() {
    SeriesResult got = fused(false, boxes, inputs);
    double[] max = compare(cpu, got, 1e-3);
    System.out.printf(
        "fused host fp32 vs CPU path: max |dp| %.2e, max ood rel %.2e%n", max[0], max[1]);
    assertTrue(max[0] <= 1e-4, "probabilities: " + max[0]);
    assertTrue(max[1] <= 1e-4, "ood: " + max[1]);
    assertEquals(cpu.verdict().grade(), got.verdict().grade());
    assertEquals(cpu.verdict().group(), got.verdict().group());
    assertEquals(cpu.verdict().counts(), got.verdict().counts());
    assertEquals(cpu.verdict().indeterminateReason(), got.verdict().indeterminateReason());
    assertEquals("threshold 0.3", got.verdict().model().decision());
    assertTrue(got.verdict().model().engine().startsWith("host-kernels + "));
    assertEquals(0, got.verdict().timings().headMs(), "the head runs inside the fused pass");
  }

  @Test
  void binary16InputsGradeLikeTheCpuPathWithinTheirRounding() {
    SeriesResult got = fused(true, boxes, inputs);
    double[] max = compare(cpu, got, 2e-2);
    System.out.printf(
        "fused host fp16 vs CPU path: max |dp| %.2e, max ood rel %.2e%n", max[0], max[1]);
    assertTrue(max[0] <= 1e-2, "probabilities: " + max[0]);
    assertTrue(max[1] <= 1e-2, "ood: " + max[1]);
    assertTrue(max[0] > 0 || max[1] > 0, "binary16 inputs cannot be bit-identical");
  }

  @Test
  void anUnusableBoxIsReportedWithTheSameWordsOnBothPaths() {
    String first =
        cpu.slices().stream()
            .filter(s -> s.status().equals(SliceResult.GRADED))
            .findFirst()
            .orElseThrow()
            .sopInstanceUid();
    BoxSource outside =
        (sop, frame) ->
            sop.equals(first)
                ? Optional.of(new CanalBox(5000, 10, 5020, 30))
                : boxes.box(sop, frame);
    SeriesResult perBatch;
    try (BackboneEngine engine = Bundles.openEngine(bundle)) {
      perBatch = new SeriesGrader(bundle, engine, outside).grade("study", "series", inputs);
    }
    SeriesResult got = fused(false, outside, inputs);
    compare(perBatch, got, 1e-3);
    SliceResult refused =
        got.slices().stream().filter(s -> s.sopInstanceUid().equals(first)).findFirst().get();
    assertEquals(SliceResult.NO_ROI, refused.status());
    assertTrue(refused.reason().startsWith("unusable box: "), refused.reason());
  }

  @Test
  void aSeriesWhoseFramesAreEncodedDifferentlyIsGradedPerBatch() throws Exception {
    Path odd = tmp.resolve("odd");
    Files.createDirectories(odd);
    List<SeriesGrader.Input> mixed = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Path copy = odd.resolve(inputs.get(i).file().getFileName());
      Files.copy(inputs.get(i).file(), copy);
      if (i == 3) {
        setRescaleSlope(copy, "2");
      }
      mixed.add(new SeriesGrader.Input(null, copy));
    }
    SeriesResult perBatch;
    try (BackboneEngine engine = Bundles.openEngine(bundle)) {
      perBatch = new SeriesGrader(bundle, engine, boxes).grade("study", "series", mixed);
    }
    try (Counting engine =
        new Counting(FusedEngine.host(Bundles.openEngine(bundle), bundle, false, 4))) {
      SeriesResult got = new SeriesGrader(bundle, engine, boxes).grade("study", "series", mixed);
      assertEquals(0, engine.seriesCalls, "a mixed series never reaches the fused pass");
      assertEquals(perBatch.slices(), got.slices(), "per batch, the same engine: identical");
    }
  }

  private static void setRescaleSlope(Path file, String slope) throws Exception {
    AttributeList list = new AttributeList();
    list.read(file.toString());
    Attribute a = new DecimalStringAttribute(TagFromName.RescaleSlope);
    a.addValue(slope);
    list.put(a);
    Attribute b = new DecimalStringAttribute(TagFromName.RescaleIntercept);
    b.addValue("0");
    list.put(b);
    String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
    list.write(file.toString(), ts, true, true);
  }

  @Test
  void aGpuFaultOnAFusedSeriesIsRedoneOnTheCpuAndTheGpuIsRetriedLater() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    List<String> events = new ArrayList<>();
    Flaky[] current = new Flaky[1];
    FallbackEngine engine =
        FallbackEngine.gpuFirst(
            fusedFlaky(current),
            Bundles.openEngine(bundle),
            new FallbackEngine.Retry(
                () -> fusedFlaky(current), Duration.ofSeconds(30), Duration.ofMinutes(8)),
            clock,
            new FallbackEngine.Listener() {
              @Override
              public void gpuFault(String reason) {
                events.add("fault: " + reason);
              }

              @Override
              public void fallbackBatch() {
                events.add("cpu-batch");
              }

              @Override
              public void gpuRestored() {
                events.add("restored");
              }
            },
            "test");
    try (engine) {
      SeriesGrader grader = new SeriesGrader(bundle, engine, boxes);
      SeriesResult healthy = grader.grade("study", "series", inputs);
      assertTrue(healthy.verdict().model().engine().startsWith("host-kernels"));
      compare(cpu, healthy, 1e-3);

      current[0].nanAtRow = 2; // the "GPU" backbone now overflows on one slice
      SeriesResult redone = grader.grade("study", "series", inputs);
      assertEquals(FallbackEngine.Mode.DEGRADED, engine.state().mode());
      assertTrue(engine.state().degraded());
      assertTrue(
          events.getFirst().startsWith("fault: EngineException: NON_FINITE: "), events.get(0));
      assertTrue(events.getFirst().contains("the embedding of slice"), events.get(0));
      assertTrue(events.contains("cpu-batch"), events.toString());
      assertEquals(cpu.slices(), redone.slices(), "redone on the CPU: the CPU path's results");
      assertEquals("onnxruntime-cpu", redone.verdict().model().engine());

      clock.advance(Duration.ofSeconds(31));
      SeriesResult back = grader.grade("study", "series", inputs);
      assertEquals(FallbackEngine.Mode.GPU, engine.state().mode());
      assertTrue(events.contains("restored"), events.toString());
      assertTrue(back.verdict().model().engine().startsWith("host-kernels"));
      compare(cpu, back, 1e-3);
    }
  }

  private static BackboneEngine fusedFlaky(Flaky[] current) {
    current[0] = new Flaky(Bundles.openEngine(bundle));
    return FusedEngine.host(current[0], bundle, false, 4);
  }

  /** A backbone that writes NaN into one row of every batch when told to (an FP16 overflow). */
  private static final class Flaky implements BackboneEngine {
    private final BackboneEngine inner;
    int nanAtRow = -1;

    Flaky(BackboneEngine inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public InputShape inputShape() {
      return inner.inputShape();
    }

    @Override
    public int embeddingWidth() {
      return inner.embeddingWidth();
    }

    @Override
    public float[][] embed(FloatBuffer nchw, int batch) {
      float[][] e = inner.embed(nchw, batch);
      if (nanAtRow >= 0 && nanAtRow < batch) {
        e[nanAtRow][1] = Float.NaN;
      }
      return e;
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  /** Counts the fused calls of a fused engine. */
  private static final class Counting implements BackboneEngine, SeriesEngine {
    private final FusedEngine inner;
    int seriesCalls;

    Counting(FusedEngine inner) {
      this.inner = inner;
    }

    @Override
    public Optional<Grades> gradeSeries(Series series) {
      seriesCalls++;
      return inner.gradeSeries(series);
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public InputShape inputShape() {
      return inner.inputShape();
    }

    @Override
    public int embeddingWidth() {
      return inner.embeddingWidth();
    }

    @Override
    public float[][] embed(FloatBuffer nchw, int batch) {
      return inner.embed(nchw, batch);
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Test
  void closedFusedEngineRefusesWork() {
    FusedEngine e = FusedEngine.host(Bundles.openEngine(bundle), bundle, false, 4);
    e.close();
    e.close();
    EngineException x =
        org.junit.jupiter.api.Assertions.assertThrows(
            EngineException.class,
            () -> new SeriesGrader(bundle, e, boxes).grade("study", "series", inputs));
    assertEquals(EngineException.Code.CLOSED, x.code());
    assertFalse(x.getMessage().isEmpty());
  }
}
