package io.cordwatch.grade;

import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.dicom.PixelDecodeException;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.roi.BoxSource;
import io.cordwatch.roi.SlicePixels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * <p>Not thread-safe; one grader per worker thread (the engine it holds may be shared only as its
 * implementation allows).
 */
public final class SeriesGrader {
  /** Slices per engine call: large enough to amortise a call, small enough to bound memory. */
  public static final int BATCH = 8;

  private final Bundle bundle;
  private final BackboneEngine engine;
  private final PrototypeHead head;
  private final BoxSource boxes;
  private final Preprocessing preprocessing;

  public SeriesGrader(Bundle bundle, BackboneEngine engine, BoxSource boxes) {
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.boxes = Objects.requireNonNull(boxes, "boxes");
    this.head = PrototypeHead.of(bundle);
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
    return new Verdict.Model(
        bundle.name(), "onnx", engine.name(), bundle.provenance().clinicalUse());
  }

  /**
   * Grades a series.
   *
   * @throws io.cordwatch.infer.EngineException or another runtime exception when the engine fails
   */
  public SeriesResult grade(String studyUid, String seriesUid, List<Input> inputs) {
    long t0 = System.nanoTime();
    List<Decoded> decoded = new ArrayList<>();
    List<SliceResult> unreadable = new ArrayList<>();
    for (Input in : inputs) {
      try {
        for (DicomPixels.Frame f : DicomPixels.read(in.file())) {
          decoded.add(new Decoded(f, modalityValues(f)));
        }
      } catch (PixelDecodeException | IllegalArgumentException e) {
        unreadable.add(
            SliceResult.unreadable(
                in.sopInstanceUid() == null
                    ? in.file().getFileName().toString()
                    : in.sopInstanceUid(),
                1,
                e.getMessage()));
      }
    }
    decoded.sort(ORDER);
    long t1 = System.nanoTime();

    List<SliceResult> results = new ArrayList<>(decoded.size() + unreadable.size());
    List<Integer> pending = new ArrayList<>();
    List<BoxSource.Located> pendingBoxes = new ArrayList<>();
    long preprocessNanos = 0;
    long localizeNanos = 0;
    long[] inferAndHeadNanos = new long[2];
    if (!decoded.isEmpty()) {
      Preprocessing.Window window = window(decoded);
      int item = preprocessing.itemSize();
      FloatBuffer batch =
          ByteBuffer.allocateDirect(BATCH * item * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      preprocessNanos += System.nanoTime() - t1;
      for (int i = 0; i < decoded.size(); i++) {
        Decoded d = decoded.get(i);
        DicomPixels.Frame f = d.frame();
        results.add(null);
        long l0 = System.nanoTime();
        BoxSource.Located box =
            boxes.locate(
                f.sopInstanceUid(),
                f.frame(),
                new SlicePixels(d.values(), f.columns(), f.rows(), f.monochrome1()));
        localizeNanos += System.nanoTime() - l0;
        if (!box.found()) {
          results.set(
              i, SliceResult.noRoi(f.sopInstanceUid(), f.frame(), box.reason(), f.position()));
          continue;
        }
        long p0 = System.nanoTime();
        try {
          preprocessing.slice(
              d.values(),
              f.columns(),
              f.rows(),
              window,
              f.monochrome1(),
              box.box().toPreprocessing(),
              batch);
        } catch (IllegalArgumentException e) {
          results.set(
              i,
              SliceResult.noRoi(
                  f.sopInstanceUid(), f.frame(), "unusable box: " + e.getMessage(), f.position()));
          continue;
        } finally {
          preprocessNanos += System.nanoTime() - p0;
        }
        pending.add(i);
        pendingBoxes.add(box);
        if (pending.size() == BATCH) {
          flush(batch, pending, pendingBoxes, decoded, results, inferAndHeadNanos);
        }
      }
      if (!pending.isEmpty()) {
        flush(batch, pending, pendingBoxes, decoded, results, inferAndHeadNanos);
      }
    }
    results.addAll(unreadable);
    long t2 = System.nanoTime();
    Verdict verdict =
        Verdicts.of(
            results,
            bundle.classes(),
            bundle.highGrade(),
            model(),
            new Verdict.Timings(
                ms(t1 - t0),
                ms(preprocessNanos),
                ms(inferAndHeadNanos[0]),
                ms(inferAndHeadNanos[1]),
                ms(t2 - t0),
                ms(localizeNanos)));
    return new SeriesResult(studyUid, seriesUid, verdict, results);
  }

  /** Embeds and grades the pending batch; adds backbone and head nanoseconds to {@code nanos}. */
  private void flush(
      FloatBuffer batch,
      List<Integer> pending,
      List<BoxSource.Located> pendingBoxes,
      List<Decoded> decoded,
      List<SliceResult> results,
      long[] nanos) {
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
      DicomPixels.Frame f = decoded.get(pending.get(k)).frame();
      Map<String, Double> p = new LinkedHashMap<>();
      for (int c = 0; c < g.probabilities().length; c++) {
        p.put(bundle.classes().get(c), (double) g.probabilities()[c]);
      }
      results.set(
          pending.get(k),
          SliceResult.graded(
              f.sopInstanceUid(),
              f.frame(),
              bundle.classes().get(g.grade()),
              p,
              pendingBoxes.get(k).box(),
              pendingBoxes.get(k).source(),
              g.oodScore(),
              g.uncertain(),
              f.position()));
    }
    pending.clear();
    pendingBoxes.clear();
    batch.clear();
    nanos[1] += System.nanoTime() - embedded;
  }

  /** The series window; from a histogram of stored values when every frame is encoded alike. */
  private Preprocessing.Window window(List<Decoded> decoded) {
    var spec = preprocessing.spec();
    Preprocessing.PixelEncoding first = encoding(decoded.getFirst().frame());
    if (decoded.stream().allMatch(d -> encoding(d.frame()).equals(first))) {
      return Preprocessing.windowOfStored(
          decoded.stream().map(d -> d.frame().stored()).toList(),
          first,
          spec.windowLowPercentile(),
          spec.windowHighPercentile());
    }
    return preprocessing.window(decoded.stream().map(Decoded::values).toList());
  }

  private static Preprocessing.PixelEncoding encoding(DicomPixels.Frame f) {
    return new Preprocessing.PixelEncoding(
        f.bitsAllocated(), f.bitsStored(), f.signed(), f.slope(), f.intercept(), false);
  }

  private static float[] modalityValues(DicomPixels.Frame f) {
    return Preprocessing.modalityValues(f.stored(), encoding(f));
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private record Decoded(DicomPixels.Frame frame, float[] values) {}

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
