package io.cordwatch.infer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An optional capability beside {@link BackboneEngine}: grade a whole series in one fused pass,
 * from stored samples and canal boxes to grades, without the preprocessed tensors or the embeddings
 * ever reaching Java. The GPU path is one ({@link FusedEngine}: preprocess kernel -> TensorRT ->
 * prototype-head kernel on one stream); so is the same pipeline on the host build of the kernels
 * around ONNX Runtime.
 *
 * <p>The grader asks for it with {@code instanceof}; an engine without it, or one that answers
 * {@link Optional#empty()}, is used the per-batch way ({@link BackboneEngine#embed} with Java's
 * {@link Preprocessing} and {@code PrototypeHead}), which stays the reference and the CPU path.
 * Empty means "not this series, grade it per batch": a series the pass does not take (too large,
 * samples it cannot window), or, from the {@link FallbackEngine}, a GPU that is not in use or that
 * just failed on this series (which is then redone on the CPU).
 */
public interface SeriesEngine {
  /**
   * One series whose frames all have the same size and encoding.
   *
   * @param width Columns
   * @param height Rows
   * @param encoding how every frame's samples read, MONOCHROME1 included
   * @param slices every decoded frame of the series in slice order (all count towards the window)
   * @param graded indices into {@code slices} of the frames to grade, strictly increasing
   * @param boxes the canal box of each graded frame, in {@code graded} order; each overlaps the
   *     image ({@link Preprocessing#checkBox})
   */
  record Series(
      int width,
      int height,
      Preprocessing.PixelEncoding encoding,
      List<short[]> slices,
      int[] graded,
      List<Preprocessing.Box> boxes) {
    public Series {
      Objects.requireNonNull(encoding, "encoding");
      slices = List.copyOf(slices);
      graded = graded.clone();
      boxes = List.copyOf(boxes);
      if (boxes.size() != graded.length) {
        throw new IllegalArgumentException(
            boxes.size() + " boxes for " + graded.length + " graded slices");
      }
    }

    @Override
    public int[] graded() {
      return graded.clone();
    }
  }

  /**
   * The results for the graded frames, in {@code graded} order.
   *
   * @param window the series window the pass computed
   * @param grades index of the nearest prototype
   * @param probabilities K class probabilities each
   * @param ood out-of-distribution scores (d_min / ood_scale)
   * @param windowNanos time to stage the series and compute its window
   * @param gradeNanos time of the fused preprocess -> backbone -> head pass and the copy back
   */
  record Grades(
      Preprocessing.Window window,
      int[] grades,
      float[][] probabilities,
      float[] ood,
      long windowNanos,
      long gradeNanos) {}

  /**
   * Grades a series in one pass.
   *
   * @return the grades, or empty when the caller should grade this series per batch instead
   * @throws EngineException with {@link EngineException.Code#RUN_FAILED} when the device or the
   *     backbone fails (a {@link FallbackEngine} turns that into a fall-back and answers empty)
   */
  Optional<Grades> gradeSeries(Series series);
}
