package io.cordwatch.adapt;

import io.cordwatch.stats.ClopperPearson;
import io.cordwatch.stats.Interval;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a site can expect from its own P(high) threshold on studies it has not seen: the threshold
 * rule of {@link OperatingPoint} cross-validated by study.
 *
 * <p>Why. {@link OperatingPoint#forSensitivity} chooses the threshold on the site's high-grade
 * slices and then reports the sensitivity it reaches on the same slices: by construction at least
 * the target, whatever the data. That figure says how the threshold was chosen, not how it will do.
 * Here the studies are dealt into {@code k} folds ({@link StudyFolds}, whole studies, {@code
 * --seed}); for each fold the threshold is chosen by the same rule on the other folds' slices only
 * and applied to the held-out fold's slices. The held-out calls of all folds, pooled, give the
 * sensitivity and specificity with their exact (Clopper-Pearson) 95% intervals: each slice is
 * called by a threshold that never saw its study, as a new patient's slices would be. The threshold
 * a site sets is still the in-sample one (chosen on all its data); these figures are the honest
 * estimate of what that rule delivers.
 *
 * <p>No figures are made up: with fewer studies than folds, or a fold whose other folds hold no
 * high-grade slice to choose a threshold from, {@link #notEstimated} says why and the figures are
 * null.
 *
 * @param folds folds asked for
 * @param seed the study shuffle
 * @param studies studies with at least one scored slice
 * @param thresholds the threshold chosen for each fold (on the other folds), fold order; empty when
 *     not estimated
 * @param found held-out high-grade slices called high, pooled
 * @param positives held-out high-grade slices, pooled (all of them)
 * @param rejected held-out low-grade slices called low, pooled
 * @param negatives held-out low-grade slices, pooled (all of them)
 * @param sensitivity {@code found / positives} with its exact interval; null when not estimated
 * @param specificity {@code rejected / negatives} with its exact interval; undefined without
 *     low-grade slices, null when not estimated
 * @param notEstimated why there are no figures, or null when there are
 */
public record CrossValidatedOperatingPoint(
    int folds,
    long seed,
    int studies,
    List<Double> thresholds,
    long found,
    long positives,
    long rejected,
    long negatives,
    Interval sensitivity,
    Interval specificity,
    String notEstimated) {

  /**
   * One scored slice.
   *
   * @param study the study it belongs to (any stable name: UID or tag)
   * @param pHigh the model's P(high)
   * @param high whether the reference grade is high
   */
  public record Scored(String study, double pHigh, boolean high) {
    public Scored {
      Objects.requireNonNull(study, "study");
    }
  }

  /**
   * @param slices the site's scored slices
   * @param target sensitivity wanted, in (0, 1]
   * @param folds folds, at least 2
   * @param seed the study shuffle
   */
  public static CrossValidatedOperatingPoint of(
      List<Scored> slices, double target, int folds, long seed) {
    if (folds < 2) {
      throw new AdaptException("--folds must be at least 2, got " + folds);
    }
    TreeSet<String> studies = new TreeSet<>();
    slices.forEach(s -> studies.add(s.study()));
    if (studies.size() < folds) {
      return notEstimated(
          folds,
          seed,
          studies.size(),
          studies.size()
              + " studies, fewer than the "
              + folds
              + " folds: each fold needs a study of its own (give fewer --folds, or review more"
              + " studies)");
    }
    return of(slices, target, folds, seed, StudyFolds.assign(studies, folds, seed));
  }

  /** The estimate on given folds ({@code foldOf}: each study's fold, 0 to {@code folds - 1}). */
  static CrossValidatedOperatingPoint of(
      List<Scored> slices, double target, int folds, long seed, Map<String, Integer> foldOf) {
    List<Double> thresholds = new ArrayList<>();
    long found = 0;
    long positives = 0;
    long rejected = 0;
    long negatives = 0;
    for (int fold = 0; fold < folds; fold++) {
      List<Double> fitPos = new ArrayList<>();
      List<Double> fitNeg = new ArrayList<>();
      for (Scored s : slices) {
        if (foldOf.get(s.study()) != fold) {
          (s.high() ? fitPos : fitNeg).add(s.pHigh());
        }
      }
      if (fitPos.isEmpty()) {
        return notEstimated(
            folds,
            seed,
            foldOf.size(),
            "the studies outside fold "
                + (fold + 1)
                + " of "
                + folds
                + " hold no high-grade slice: no threshold can be chosen without that fold (more"
                + " reviewed high-grade studies are needed, or fewer --folds)");
      }
      double t = OperatingPoint.forSensitivity(array(fitPos), array(fitNeg), target).threshold();
      thresholds.add(t);
      for (Scored s : slices) {
        if (foldOf.get(s.study()) != fold) {
          continue;
        }
        boolean calledHigh = s.pHigh() >= t;
        if (s.high()) {
          positives++;
          found += calledHigh ? 1 : 0;
        } else {
          negatives++;
          rejected += calledHigh ? 0 : 1;
        }
      }
    }
    return new CrossValidatedOperatingPoint(
        folds,
        seed,
        foldOf.size(),
        List.copyOf(thresholds),
        found,
        positives,
        rejected,
        negatives,
        ClopperPearson.interval(found, positives),
        negatives == 0 ? Interval.UNDEFINED : ClopperPearson.interval(rejected, negatives),
        null);
  }

  private static CrossValidatedOperatingPoint notEstimated(
      int folds, long seed, int studies, String why) {
    return new CrossValidatedOperatingPoint(
        folds, seed, studies, List.of(), 0, 0, 0, 0, null, null, why);
  }

  private static double[] array(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
