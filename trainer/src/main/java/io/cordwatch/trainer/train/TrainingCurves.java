package io.cordwatch.trainer.train;

import io.cordwatch.stats.Dichotomous;
import io.cordwatch.stats.Interval;
import io.cordwatch.trainer.train.TrainingRun.EpochStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a training run writes about each epoch: a row of the work folder's curves file ({@link
 * TrainingRun#CURVES}, columns {@link TrainingRun#CURVES_HEADER}) and the epoch line of the log.
 */
final class TrainingCurves {
  private TrainingCurves() {}

  /** Appends one epoch's row to the curves file. */
  static void append(Path curves, EpochStats s) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(s.epoch());
    for (double v :
        new double[] {
          s.seconds(),
          s.imagesPerSecond(),
          s.loss(),
          s.crossEntropy(),
          s.compact(),
          s.vat(),
          s.trainAccuracy()
        }) {
      b.append(',').append(number(v));
    }
    Scores v = s.validation();
    if (v == null || v.dichotomous() == null) {
      b.append(",0").append(",".repeat(10));
    } else {
      Dichotomous d = v.dichotomous();
      b.append(',').append(v.n()).append(',').append(number(v.accuracy()));
      for (Interval i : List.of(d.ac1(), d.sensitivity(), d.specificity())) {
        b.append(',')
            .append(number(i.value()))
            .append(',')
            .append(number(i.lower()))
            .append(',')
            .append(number(i.upper()));
      }
    }
    b.append('\n');
    Files.writeString(curves, b.toString(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /** Drops curve rows after {@code lastEpoch} (left by a run killed after its checkpoint). */
  static void truncate(Path curves, int lastEpoch) throws IOException {
    if (!Files.exists(curves)) {
      Files.writeString(curves, TrainingRun.CURVES_HEADER + "\n", StandardCharsets.UTF_8);
      return;
    }
    List<String> keep = new ArrayList<>();
    for (String line : Files.readAllLines(curves, StandardCharsets.UTF_8)) {
      if (keep.isEmpty()) {
        keep.add(line);
        continue;
      }
      int comma = line.indexOf(',');
      try {
        if (comma > 0 && Integer.parseInt(line.substring(0, comma)) <= lastEpoch) {
          keep.add(line);
        }
      } catch (NumberFormatException e) {
        // a torn last line: dropped
      }
    }
    Files.write(curves, keep, StandardCharsets.UTF_8);
  }

  private static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
  }

  static String epochLine(EpochStats s, int epochs, double etaSeconds, int batches) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "epoch %d/%d  loss %.4f (ce %.4f, compact %.4g, vat %.4g)  train acc %.3f",
                s.epoch(),
                epochs,
                s.loss(),
                s.crossEntropy(),
                s.compact(),
                s.vat(),
                s.trainAccuracy()));
    Scores v = s.validation();
    if (v != null && v.dichotomous() != null) {
      Dichotomous d = v.dichotomous();
      b.append(
          String.format(
              Locale.ROOT,
              "  val n %d acc %.3f AC1 %s sens %s spec %s",
              v.n(),
              v.accuracy(),
              interval(d.ac1()),
              interval(d.sensitivity()),
              interval(d.specificity())));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "  %.2f img/s, %d steps, %s  ETA %s",
            s.imagesPerSecond(),
            batches,
            Runs.duration(s.seconds()),
            Runs.duration(etaSeconds)));
    return b.toString();
  }

  static String interval(Interval i) {
    if (!i.defined()) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", i.value(), i.lower(), i.upper());
  }
}
