package io.cordwatch.grade;

import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.dicom.PixelDecodeException;
import io.cordwatch.dicom.SpineRegion;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleKeys;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.SeriesEngine;
import io.cordwatch.infer.SignatureStatus;
import io.cordwatch.roi.BoxSource;
import io.cordwatch.roi.CanalTissue;
import io.cordwatch.roi.SlicePixels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Grades one series from its files: decode every frame, window the series, crop each slice's canal
 * box (from the box source, which may run the bundle's localizer on the decoded slice), embed in
 * batches, apply the prototype head, build the verdict.
 *
 * <p>The window is a property of the series (docs/model-bundle.md, step 2), so every frame is
 * decoded before any is preprocessed; the pixels of slices without a box still count towards it,
 * because they were part of the series the model was trained on. Failures are sorted by whose they
 * are: a file that cannot be decoded is the study's problem and becomes an "unreadable" slice with
 * its reason while the rest is graded; a slice without a box is "no ROI" (never a guessed crop); an
 * engine that fails or returns non-finite embeddings is the appliance's problem and throws, so the
 * caller can retry the job or mark it failed rather than publish a verdict built on garbage.
 *
 * <p>Preprocessing reads stored samples through a per-series {@link Preprocessing.UnitTable}, so
 * only the pixels a crop samples are converted, and the decoded series holds two bytes a pixel; the
 * result is bit for bit what the reference steps of {@link Preprocessing} give.
 *
 * <p>A grader holds no state between calls: two threads may grade different series with one grader
 * at once (the appliance's worker and its speculative grading do), as long as the engine allows
 * concurrent calls ({@code OnnxRuntimeEngine} serialises them).
 *
 * <p><b>Two ways to grade.</b> When the engine offers the fused pass ({@link SeriesEngine}: on a
 * GPU, preprocess kernel -> TensorRT -> prototype-head kernel) and every frame of the series has
 * the same size and encoding, the series goes to it whole: the grader sorts the frames, finds the
 * boxes (refusing the same boxes with the same words as the per-batch path) and assembles the
 * results, and the engine computes window, tensors, embeddings and head. Otherwise, or when the
 * engine answers empty (a series it does not take, or a GPU that just failed, after which the whole
 * series is redone here on the CPU), the per-batch path runs: Java's {@link Preprocessing} into
 * batches of {@link #BATCH}, {@link BackboneEngine#embed}, Java's {@link PrototypeHead}. That path
 * is the reference; the fused pass is held to it within the kernels' tolerances
 * (kernels/README.md). On the fused path the verdict's timings say: preprocess = staging the series
 * and its window, inference = the fused pass (preprocess, backbone and head together), head = 0.
 */
public final class SeriesGrader {
  /** Slices per engine call: large enough to amortise a call, small enough to bound memory. */
  public static final int BATCH = 8;

  private final Bundle bundle;
  private final BackboneEngine engine;
  private final PrototypeHead head;
  private final HighDecision decision;
  private final BoxSource boxes;
  private final Preprocessing preprocessing;
  private final EmbeddingSink sink;
  private final CanalTissue tissue;

  /**
   * Told every embedding the backbone makes, with the slice it belongs to: what site adaptation
   * enrols from ({@code io.cordwatch.adapt}). A grader with a sink never takes the fused path,
   * which keeps embeddings on the device.
   */
  public interface EmbeddingSink {
    void embedded(String sopInstanceUid, int frame, float[] embedding);
  }

  /** A grader without the canal segmenter's veto, whatever the bundle holds. */
  public SeriesGrader(Bundle bundle, BackboneEngine engine, BoxSource boxes) {
    this(bundle, engine, boxes, null, null);
  }

  /**
   * A grader whose high calls below the confident band are checked by {@code tissue}, the bundle's
   * canal segmenter (null: none; {@link io.cordwatch.roi.ConfiguredBoxes#tissue} opens it).
   */
  public SeriesGrader(Bundle bundle, BackboneEngine engine, BoxSource boxes, CanalTissue tissue) {
    this(bundle, engine, boxes, null, tissue);
  }

  /** A grader that also hands every embedding to {@code embeddings} (null: none). */
  public SeriesGrader(
      Bundle bundle, BackboneEngine engine, BoxSource boxes, EmbeddingSink embeddings) {
    this(bundle, engine, boxes, embeddings, null);
  }

  private SeriesGrader(
      Bundle bundle,
      BackboneEngine engine,
      BoxSource boxes,
      EmbeddingSink embeddings,
      CanalTissue tissue) {
    this.tissue = tissue;
    this.sink = embeddings;
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.boxes = Objects.requireNonNull(boxes, "boxes");
    this.head = PrototypeHead.of(bundle);
    this.decision = HighDecision.of(bundle);
    this.preprocessing = new Preprocessing(bundle.preprocessing(), engine.inputShape().channels());
  }

  /**
   * One file of the series.
   *
   * @param sopInstanceUid the instance it holds when known (used to report it if it cannot be
   *     read); may be null
   * @param file the DICOM file
   */
  public record Input(String sopInstanceUid, Path file) {}

  /** The model description results carry. */
  public Verdict.Model model() {
    SignatureStatus sig = bundle.signature();
    boolean checked = sig.state() != SignatureStatus.State.NOT_CHECKED;
    return new Verdict.Model(
        bundle.name(),
        "onnx",
        engine.name(),
        bundle.provenance().clinicalUse(),
        decision.describe(),
        bundle.verdictLimits(),
        bundle.manifestSha256(),
        checked ? sig.trusted() : null,
        sig.trusted() ? BundleKeys.shortId(sig.keyId()) + " (" + sig.keyName() + ")" : null);
  }

  /**
   * One file decoded: every frame's stored samples, or why it could not be read. Decoding is the
   * first step of grading; the appliance may do it ahead, as instances arrive, and hand the results
   * to {@link #grade(String, String, List, BooleanSupplier)} later: a decoded input holds only what
   * the file says, so when it is decoded does not change what it grades to.
   *
   * @param frames the frames, empty when {@code error} is set
   * @param error why the file cannot be read, or null
   * @param decodeNanos how long reading and decoding took
   */
  public record DecodedInput(
      Input input, List<DicomPixels.Frame> frames, String error, long decodeNanos) {
    public DecodedInput {
      Objects.requireNonNull(input, "input");
      frames = List.copyOf(frames);
    }

    /** About how much memory the decoded samples take (two bytes a sample, plus bookkeeping). */
    public long bytes() {
      long n = 256;
      for (DicomPixels.Frame f : frames) {
        n += 2L * f.stored().length + 256;
      }
      return n;
    }
  }

  /** Reads and decodes one file; never throws for a file that cannot be read. */
  public static DecodedInput decode(Input in) {
    long t0 = System.nanoTime();
    try {
      List<DicomPixels.Frame> frames = DicomPixels.read(in.file());
      return new DecodedInput(in, frames, null, System.nanoTime() - t0);
    } catch (PixelDecodeException | IllegalArgumentException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new DecodedInput(in, List.of(), reason, System.nanoTime() - t0);
    }
  }

  /**
   * Grades a series from its files.
   *
   * @throws io.cordwatch.infer.EngineException or another runtime exception when the engine fails
   */
  public SeriesResult grade(String studyUid, String seriesUid, List<Input> inputs) {
    long t0 = System.nanoTime();
    List<DecodedInput> decoded = decodeAll(inputs);
    return grade(studyUid, seriesUid, decoded, System.nanoTime() - t0, () -> false);
  }

  /**
   * Decodes files on every core (the common fork-join pool and the caller), in their given order.
   * The window needs every slice before any tensor can be built, so decoding is the serial part of
   * grading from files; no engine runs then, so the cores are free for it.
   */
  public static List<DecodedInput> decodeAll(List<Input> inputs) {
    return inputs.parallelStream().map(SeriesGrader::decode).toList();
  }

  /**
   * Grades a series whose files are decoded: window, crops, embeddings, head, verdict. Given the
   * same decoded inputs in the same order, the result is the same whenever and on whichever thread
   * it runs (the timings aside). {@code decode_ms} in the timings is the inputs' decode times
   * summed (they may have been decoded ahead, as they arrived, or in parallel).
   *
   * @param cancelled asked before every engine call; when it says true the grading stops with a
   *     {@link CancellationException} (speculative grading whose inputs went stale)
   * @throws io.cordwatch.infer.EngineException or another runtime exception when the engine fails
   */
  public SeriesResult grade(
      String studyUid, String seriesUid, List<DecodedInput> inputs, BooleanSupplier cancelled) {
    long decodeNanos = 0;
    for (DecodedInput in : inputs) {
      decodeNanos += in.decodeNanos();
    }
    return grade(studyUid, seriesUid, inputs, decodeNanos, cancelled);
  }

  private SeriesResult grade(
      String studyUid,
      String seriesUid,
      List<DecodedInput> inputs,
      long decodeNanos,
      BooleanSupplier cancelled) {
    long t1 = System.nanoTime();
    List<Decoded> decoded = new ArrayList<>();
    List<SliceResult> unreadable = new ArrayList<>();
    for (DecodedInput in : inputs) {
      if (in.error() != null) {
        Input file = in.input();
        unreadable.add(
            SliceResult.unreadable(
                file.sopInstanceUid() == null
                    ? file.file().getFileName().toString()
                    : file.sopInstanceUid(),
                1,
                in.error()));
        continue;
      }
      for (DicomPixels.Frame f : in.frames()) {
        decoded.add(new Decoded(f));
      }
    }
    decoded.sort(ORDER);
    if (engine instanceof SeriesEngine fused && !decoded.isEmpty() && sink == null) {
      Optional<SeriesResult> r =
          gradeFused(fused, studyUid, seriesUid, decoded, unreadable, t1 - decodeNanos, t1);
      if (r.isPresent()) {
        return r.get();
      }
    }

    List<SliceResult> results = new ArrayList<>(decoded.size() + unreadable.size());
    List<Integer> pending = new ArrayList<>();
    List<BoxSource.Located> pendingBoxes = new ArrayList<>();
    long preprocessNanos = 0;
    long[] localizeNanos = new long[1];
    long[] inferAndHeadNanos = new long[2];
    if (!decoded.isEmpty()) {
      Preprocessing.Window window = window(decoded);
      Map<Preprocessing.PixelEncoding, Preprocessing.UnitTable> tables = new HashMap<>();
      int item = preprocessing.itemSize();
      FloatBuffer batch =
          ByteBuffer.allocateDirect(BATCH * item * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      preprocessNanos += System.nanoTime() - t1;
      for (int i = 0; i < decoded.size(); i++) {
        Decoded d = decoded.get(i);
        DicomPixels.Frame f = d.frame();
        BoxSource.Located box = locate(f, results, localizeNanos);
        if (!box.found()) {
          continue;
        }
        long p0 = System.nanoTime();
        try {
          Preprocessing.UnitTable unit =
              tables.computeIfAbsent(
                  encoding(f, f.monochrome1()), e -> Preprocessing.unitTable(e, window));
          preprocessing.sliceStored(
              f.stored(), unit, f.columns(), f.rows(), box.box().toPreprocessing(), batch);
        } catch (IllegalArgumentException e) {
          results.set(i, unusableBox(f, e));
          continue;
        } finally {
          preprocessNanos += System.nanoTime() - p0;
        }
        pending.add(i);
        pendingBoxes.add(box);
        if (pending.size() == BATCH) {
          flush(batch, pending, pendingBoxes, decoded, results, inferAndHeadNanos, cancelled);
        }
      }
      if (!pending.isEmpty()) {
        flush(batch, pending, pendingBoxes, decoded, results, inferAndHeadNanos, cancelled);
      }
    }
    BaselineDiscount discount = discount(results);
    checkTissue(decoded, results, discount.limits().confidentHighThreshold(), localizeNanos);
    results.addAll(unreadable);
    long t2 = System.nanoTime();
    return result(
        studyUid,
        seriesUid,
        decoded,
        results,
        discount,
        new Verdict.Timings(
            ms(decodeNanos),
            ms(preprocessNanos),
            ms(inferAndHeadNanos[0]),
            ms(inferAndHeadNanos[1]),
            ms(decodeNanos + t2 - t1),
            ms(localizeNanos[0])));
  }

  /**
   * The fused pass, when every frame has the same size and encoding (a positive slope, so the
   * window comes from a histogram); empty when the series is not uniform or the engine declines.
   */
  private Optional<SeriesResult> gradeFused(
      SeriesEngine fused,
      String studyUid,
      String seriesUid,
      List<Decoded> decoded,
      List<SliceResult> unreadable,
      long t0,
      long t1) {
    DicomPixels.Frame first = decoded.getFirst().frame();
    Preprocessing.PixelEncoding enc = fusedEncoding(first);
    if (!(enc.slope() > 0)) {
      return Optional.empty();
    }
    for (Decoded d : decoded) {
      DicomPixels.Frame f = d.frame();
      if (f.rows() != first.rows()
          || f.columns() != first.columns()
          || !fusedEncoding(f).equals(enc)) {
        return Optional.empty();
      }
    }
    List<SliceResult> results = new ArrayList<>(decoded.size() + unreadable.size());
    List<Integer> graded = new ArrayList<>();
    List<BoxSource.Located> canal = new ArrayList<>();
    List<Preprocessing.Box> boxesToGrade = new ArrayList<>();
    long[] localizeNanos = new long[1];
    for (int i = 0; i < decoded.size(); i++) {
      DicomPixels.Frame f = decoded.get(i).frame();
      BoxSource.Located box = locate(f, results, localizeNanos);
      if (!box.found()) {
        continue;
      }
      Preprocessing.Box b = box.box().toPreprocessing();
      try {
        Preprocessing.checkBox(b, f.columns(), f.rows());
      } catch (IllegalArgumentException e) {
        results.set(i, unusableBox(f, e));
        continue;
      }
      graded.add(i);
      canal.add(box);
      boxesToGrade.add(b);
    }
    long windowNanos = 0;
    long gradeNanos = 0;
    if (!graded.isEmpty()) {
      Optional<SeriesEngine.Grades> out =
          fused.gradeSeries(
              new SeriesEngine.Series(
                  first.columns(),
                  first.rows(),
                  enc,
                  decoded.stream().map(d -> d.frame().stored()).toList(),
                  graded.stream().mapToInt(Integer::intValue).toArray(),
                  boxesToGrade));
      if (out.isEmpty()) {
        return Optional.empty();
      }
      SeriesEngine.Grades g = out.get();
      if (g.grades().length != graded.size()) {
        throw new IllegalStateException(
            engine.name()
                + " returned "
                + g.grades().length
                + " grades for "
                + graded.size()
                + " slices");
      }
      for (int k = 0; k < graded.size(); k++) {
        int grade = g.grades()[k];
        float[] probabilities = g.probabilities()[k];
        if (grade < 0
            || grade >= bundle.classes().size()
            || probabilities.length != bundle.classes().size()) {
          throw new IllegalStateException(
              engine.name() + " returned grade " + grade + " for a head of " + head.classCount());
        }
        float ood = g.ood()[k];
        results.set(
            graded.get(k),
            graded(
                decoded.get(graded.get(k)).frame(),
                grade,
                probabilities,
                canal.get(k),
                ood,
                ood > bundle.oodThreshold()));
      }
      windowNanos = g.windowNanos();
      gradeNanos = g.gradeNanos();
    }
    BaselineDiscount discount = discount(results);
    checkTissue(decoded, results, discount.limits().confidentHighThreshold(), localizeNanos);
    results.addAll(unreadable);
    long t2 = System.nanoTime();
    return Optional.of(
        result(
            studyUid,
            seriesUid,
            decoded,
            results,
            discount,
            new Verdict.Timings(
                ms(t1 - t0),
                ms(windowNanos),
                ms(gradeNanos),
                0,
                ms(t2 - t0),
                ms(localizeNanos[0]))));
  }

  /**
   * The canal box of a frame from the box sources; the frame's modality values are computed only
   * when a source needs the pixels (the localizer), at most once.
   */
  private BoxSource.Located locate(DicomPixels.Frame f) {
    return boxes.locate(f.sopInstanceUid(), f.frame(), () -> pixels(f));
  }

  /**
   * The canal box of {@code f}, timed into {@code localizeNanos[0]}. Appends the frame's slot to
   * {@code results}: null for the caller to fill when there is a box, else the no-ROI slice.
   */
  private BoxSource.Located locate(
      DicomPixels.Frame f, List<SliceResult> results, long[] localizeNanos) {
    long l0 = System.nanoTime();
    BoxSource.Located box = locate(f);
    localizeNanos[0] += System.nanoTime() - l0;
    results.add(
        box.found()
            ? null
            : SliceResult.noRoi(f.sopInstanceUid(), f.frame(), box.reason(), f.position()));
    return box;
  }

  /**
   * The canal segmenter's veto, the same on both paths: every slice called high with P(high) below
   * the confident band (the series', {@code band}: raised by a series baseline discount) is shown
   * to the segmenter, and its call is withdrawn when the tumour it sees inside the box is below the
   * bundle's {@code segmenter.veto_below_mm2}. A call in the confident band is never withdrawn (on
   * the spent draws the one high-grade study a veto would have emptied had its only call there;
   * docs/validation.md). Timed into {@code localizeNanos[0]}: the segmenter is the second model
   * that looks at the canal.
   */
  private void checkTissue(
      List<Decoded> decoded, List<SliceResult> results, double band, long[] localizeNanos) {
    if (tissue == null) {
      return;
    }
    long t0 = System.nanoTime();
    List<Integer> asked = new ArrayList<>();
    List<SlicePixels> pixels = new ArrayList<>();
    List<io.cordwatch.roi.CanalBox> boxesAsked = new ArrayList<>();
    for (int i = 0; i < decoded.size(); i++) {
      SliceResult r = results.get(i);
      if (r != null
          && r.isGraded()
          && Boolean.TRUE.equals(r.highCall())
          && r.pHigh() != null
          && !(band > 0 && r.pHigh() >= band)) {
        asked.add(i);
        pixels.add(pixels(decoded.get(i).frame()));
        boxesAsked.add(r.box());
      }
    }
    if (!asked.isEmpty()) {
      double[] mm2 = tissue.tumourInBoxMm2(pixels, boxesAsked);
      double below = tissue.spec().vetoBelowMm2();
      for (int k = 0; k < asked.size(); k++) {
        int i = asked.get(k);
        results.set(i, results.get(i).withTissue(mm2[k], mm2[k] < below));
      }
    }
    localizeNanos[0] += System.nanoTime() - t0;
  }

  /** A frame's modality values as the canal's models see them. */
  private static SlicePixels pixels(DicomPixels.Frame f) {
    return SlicePixels.of(
        Preprocessing.modalityValues(f.stored(), encoding(f, false)),
        f.columns(),
        f.rows(),
        f.monochrome1(),
        f.pixelSpacing());
  }

  /** A slice whose canal box the preprocessing refused. */
  private static SliceResult unusableBox(DicomPixels.Frame f, IllegalArgumentException e) {
    return SliceResult.noRoi(
        f.sopInstanceUid(), f.frame(), "unusable box: " + e.getMessage(), f.position());
  }

  /** A frame's full encoding, MONOCHROME1 included: what the fused pass needs alike. */
  private static Preprocessing.PixelEncoding fusedEncoding(DicomPixels.Frame f) {
    return new Preprocessing.PixelEncoding(
        f.bitsAllocated(), f.bitsStored(), f.signed(), f.slope(), f.intercept(), f.monochrome1());
  }

  /** Embeds and grades the pending batch; adds backbone and head nanoseconds to {@code nanos}. */
  private void flush(
      FloatBuffer batch,
      List<Integer> pending,
      List<BoxSource.Located> pendingBoxes,
      List<Decoded> decoded,
      List<SliceResult> results,
      long[] nanos,
      BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("grading cancelled: its inputs changed");
    }
    long t = System.nanoTime();
    batch.flip();
    float[][] embeddings = engine.embed(batch, pending.size());
    long embedded = System.nanoTime();
    nanos[0] += embedded - t;
    if (embeddings.length != pending.size()) {
      throw new IllegalStateException(
          engine.name()
              + " returned "
              + embeddings.length
              + " embeddings for a batch of "
              + pending.size());
    }
    for (int k = 0; k < pending.size(); k++) {
      SliceGrade g = head.grade(embeddings[k]);
      if (sink != null) {
        DicomPixels.Frame f = decoded.get(pending.get(k)).frame();
        sink.embedded(f.sopInstanceUid(), f.frame(), embeddings[k]);
      }
      results.set(
          pending.get(k),
          graded(
              decoded.get(pending.get(k)).frame(),
              g.grade(),
              g.probabilities(),
              pendingBoxes.get(k),
              g.oodScore(),
              g.uncertain()));
    }
    pending.clear();
    pendingBoxes.clear();
    batch.clear();
    nanos[1] += System.nanoTime() - embedded;
  }

  /**
   * A graded slice as both paths report it: class names for the head's indices, P(high) and the
   * high call from the one {@link HighDecision}, so the paths differ only in their probabilities.
   */
  private SliceResult graded(
      DicomPixels.Frame f,
      int grade,
      float[] probabilities,
      BoxSource.Located box,
      double ood,
      boolean uncertain) {
    Map<String, Double> p = new LinkedHashMap<>();
    for (int c = 0; c < probabilities.length; c++) {
      p.put(bundle.classes().get(c), (double) probabilities[c]);
    }
    double pHigh = decision.pHigh(probabilities);
    return SliceResult.graded(
        f.sopInstanceUid(),
        f.frame(),
        bundle.classes().get(grade),
        p,
        box.box(),
        box.source(),
        ood,
        uncertain,
        f.position(),
        pHigh,
        decision.call(grade, pHigh));
  }

  /**
   * The series baseline discount, the same on both paths: the slices' high calls made again in
   * {@code results} against the raised triage threshold ({@link BaselineDiscount}).
   */
  private BaselineDiscount discount(List<SliceResult> results) {
    return BaselineDiscount.apply(results, bundle.highThreshold(), bundle.verdictLimits());
  }

  /** The series' verdict over its slice results, as both paths conclude. */
  private SeriesResult result(
      String studyUid,
      String seriesUid,
      List<Decoded> decoded,
      List<SliceResult> results,
      BaselineDiscount discount,
      Verdict.Timings timings) {
    Verdict verdict =
        Verdicts.of(
            results,
            bundle.classes(),
            bundle.highGrade(),
            discount,
            SpineRegion.belowConus(
                decoded.stream().map(d -> d.frame().bodyPartExamined()).toList()),
            model().discounted(discount),
            timings);
    return new SeriesResult(studyUid, seriesUid, verdict, results);
  }

  /** The series window; from a histogram of stored values when every frame is encoded alike. */
  private Preprocessing.Window window(List<Decoded> decoded) {
    var spec = preprocessing.spec();
    Preprocessing.PixelEncoding first = encoding(decoded.getFirst().frame(), false);
    if (decoded.stream().allMatch(d -> encoding(d.frame(), false).equals(first))) {
      return Preprocessing.windowOfStored(
          decoded.stream().map(d -> d.frame().stored()).toList(),
          first,
          spec.windowLowPercentile(),
          spec.windowHighPercentile());
    }
    // Mixed encodings (a rescale that changes per frame): the sorting window on modality values.
    return preprocessing.window(
        decoded.stream()
            .map(d -> Preprocessing.modalityValues(d.frame().stored(), encoding(d.frame(), false)))
            .toList());
  }

  private static Preprocessing.PixelEncoding encoding(DicomPixels.Frame f, boolean monochrome1) {
    return new Preprocessing.PixelEncoding(
        f.bitsAllocated(), f.bitsStored(), f.signed(), f.slope(), f.intercept(), monochrome1);
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private record Decoded(DicomPixels.Frame frame) {}

  /**
   * Slice-position order: position along the normal where every slice has one, else Instance
   * Number, then frame; the sort is stable, so files without either keep their given order.
   */
  private static final Comparator<Decoded> ORDER =
      Comparator.comparing(
              (Decoded d) -> d.frame().position(), Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(
              d -> d.frame().instanceNumber(), Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparingInt(d -> d.frame().frame());
}
