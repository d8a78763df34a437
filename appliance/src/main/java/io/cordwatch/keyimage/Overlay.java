package io.cordwatch.keyimage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What to draw on a slice: its canal box in the colour of its call, and a few lines of text for the
 * top left corner (the first in the call's colour).
 *
 * @param box x0, y0, x1, y1 (0-based inclusive pixel indices), or null for none
 * @param call the colour of the box
 * @param lines text for the top left corner, one entry a line
 */
public record Overlay(int[] box, Call call, List<String> lines) {
  public Overlay {
    lines = List.copyOf(lines);
  }

  /** How the slice was called, which picks the box colour. */
  public enum Call {
    /** A confident high call (red). */
    HIGH,
    /** A high call that is uncertain or borderline: it does not make the study high (amber). */
    CAUTION,
    /** Everything else (green). */
    LOW
  }

  /**
   * The call of a graded slice: low unless it is called high (or its grade is a high one); then
   * caution when it is uncertain or borderline, else high. A high call the canal segmenter withdrew
   * is caution too: not to be trusted, never low. One rule for the web pages and the images sent to
   * the PACS.
   */
  public static Call call(
      boolean highCall,
      boolean highGrade,
      boolean uncertain,
      boolean borderline,
      boolean withdrawn) {
    if (withdrawn) {
      return Call.CAUTION;
    }
    if (!highCall && !highGrade) {
      return Call.LOW;
    }
    return uncertain || borderline ? Call.CAUTION : Call.HIGH;
  }

  /** A graded slice: {@code BILSKY g}, {@code P(HIGH) 0.93} and the flags that apply. */
  public static Overlay graded(
      int[] box, Call call, String grade, Double pHigh, boolean uncertain, boolean borderline) {
    List<String> lines = new ArrayList<>();
    lines.add("BILSKY " + grade);
    lines.add("P(HIGH) " + probability(pHigh));
    if (uncertain) {
      lines.add("UNCERTAIN");
    }
    if (borderline) {
      lines.add("BORDERLINE");
    }
    return new Overlay(box, call, lines);
  }

  /** A slice that was not graded, saying why ({@code no_roi}, {@code unreadable}). */
  public static Overlay notGraded(int[] box, String status) {
    return new Overlay(
        box,
        Call.LOW,
        List.of("NOT GRADED: " + ("no_roi".equals(status) ? "NO CANAL BOX" : status)));
  }

  /** A slice without any result. */
  public static Overlay none() {
    return new Overlay(null, Call.LOW, List.of("NOT GRADED"));
  }

  /** P(high) as the images and the pages write it: two decimals. */
  public static String probability(Double p) {
    return p == null ? "-" : String.format(Locale.ROOT, "%.2f", p);
  }
}
