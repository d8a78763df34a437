package io.cordwatch.grade;

import java.util.List;

/**
 * The result of one series: its study grade, where the disease is, and how it was obtained. Field
 * names are the wire names (snake_case on the wire).
 *
 * @param grade the worst segment's grade; the first class (no disease) when slices were graded and
 *     none showed disease; null when no slice could be graded
 * @param group "high" (grade in the bundle's high-grade set, 1c/2/3 by default) or "low"; null with
 *     grade
 * @param segments runs of adjacent graded slices with disease, in slice-position order
 * @param keyImages the worst slice of each segment, in segment order
 * @param counts how many slices were graded, had no ROI, were unreadable, were uncertain
 * @param model the model that graded
 * @param timings where the time went
 */
public record Verdict(
    String grade,
    String group,
    List<Segment> segments,
    List<KeyImage> keyImages,
    Counts counts,
    Model model,
    Timings timings) {

  public Verdict {
    segments = List.copyOf(segments);
    keyImages = List.copyOf(keyImages);
  }

  /** Whether the study is high grade (should be considered for surgery). */
  public boolean high() {
    return "high".equals(group);
  }

  /**
   * A run of adjacent graded slices, all with disease.
   *
   * @param firstSlice 0-based index of its first slice in the series' slice list
   * @param lastSlice 0-based index of its last slice
   * @param sliceCount number of slices in it
   * @param maxGrade its worst grade
   * @param keyImage its worst slice
   */
  public record Segment(
      int firstSlice, int lastSlice, int sliceCount, String maxGrade, KeyImage keyImage) {}

  /** A slice to look at first. */
  public record KeyImage(String sopInstanceUid, int frame, String grade, double probability) {}

  /** Slice counts by outcome. */
  public record Counts(int slices, int graded, int noRoi, int unreadable, int uncertain) {}

  /**
   * The model.
   *
   * @param name the bundle's name
   * @param format the backbone's format ("onnx")
   * @param engine the engine that ran it, e.g. onnxruntime-cpu
   * @param clinicalUse the bundle's provenance flag; false for anything trained on phantoms
   */
  public record Model(String name, String format, String engine, boolean clinicalUse) {}

  /**
   * Milliseconds spent.
   *
   * @param decodeMs reading and decoding pixel data
   * @param preprocessMs windowing, cropping and resizing
   * @param inferenceMs the backbone (engine calls)
   * @param headMs the prototype head and building the slice results
   * @param totalMs all of the grading, end to end
   * @param localizeMs finding canal boxes (the bundle's localizer when it runs; near 0 for supplied
   *     boxes)
   */
  public record Timings(
      long decodeMs,
      long preprocessMs,
      long inferenceMs,
      long headMs,
      long totalMs,
      long localizeMs) {
    /** Timings without a localizer. */
    public Timings(long decodeMs, long preprocessMs, long inferenceMs, long headMs, long totalMs) {
      this(decodeMs, preprocessMs, inferenceMs, headMs, totalMs, 0);
    }
  }
}
