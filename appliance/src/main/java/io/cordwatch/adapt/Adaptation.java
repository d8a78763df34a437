package io.cordwatch.adapt;

import io.cordwatch.infer.Bundle;
import io.cordwatch.stats.Interval;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a site's slices may re-enrol a bundle's prototypes, and makes the prototypes if
 * so. Guard rails, each refused with the figures that failed it:
 *
 * <ul>
 *   <li>at least {@code minStudies} studies (whole studies make the folds) and at least {@code
 *       minPerGrade} slices on each side of the high/low line (a site with no high-grade slices
 *       cannot show that adaptation keeps finding them);
 *   <li>cross-validated by study ({@link CrossValidation}): the adapted head's pooled high/low AC1
 *       on held-out studies must not be below the parent's, and its sensitivity not more than
 *       {@code sensitivityTolerance} below the parent's: a triage device may trade specificity for
 *       nothing.
 * </ul>
 *
 * <p>When accepted, the prototypes are fitted once more on all the site's slices ({@link
 * Shrinkage}). The parent's P(high) threshold is kept: choosing it again on the site's own
 * (in-sample) slices lowered it and cost more specificity than it gave sensitivity in our trials
 * (docs/adaptation.md); the site's operating point is {@code cordwatch validate}'s to report.
 *
 * @param weight the prior weight {@code w} of {@link Shrinkage}, in slices
 * @param minPerGrade slices a grade needs before its prototype moves; also the least number of high
 *     and of low slices
 * @param minStudies least number of studies
 * @param folds cross-validation folds (fewer when there are fewer studies)
 * @param sensitivityTolerance how far the lower end of the adapted sensitivity's 95% interval may
 *     lie below the parent's sensitivity
 * @param seed the study shuffle of the folds
 */
public record Adaptation(
    double weight,
    int minPerGrade,
    int minStudies,
    int folds,
    double sensitivityTolerance,
    long seed) {

  public Adaptation {
    if (!(weight > 0)) {
      throw new AdaptException("--prior-weight must be > 0, got " + weight);
    }
    if (minPerGrade < 1 || minStudies < 2 || folds < 2) {
      throw new AdaptException(
          "--min-per-grade must be >= 1, --min-studies and --folds >= 2; got "
              + minPerGrade
              + ", "
              + minStudies
              + ", "
              + folds);
    }
    if (!(sensitivityTolerance >= 0 && sensitivityTolerance < 1)) {
      throw new AdaptException("sensitivity tolerance must be 0..1, got " + sensitivityTolerance);
    }
  }

  /** The defaults of {@code cordwatch adapt}. */
  public static Adaptation defaults() {
    return new Adaptation(20, 5, 4, 5, 0.10, 1);
  }

  /**
   * The decision.
   *
   * @param accepted whether the adapted prototypes may be written
   * @param refusals why not, each a sentence with its figures (empty when accepted)
   * @param cv the held-out comparison (null when refused before it ran)
   * @param fit the prototypes fitted on all slices (null when refused)
   * @param slices slices used
   * @param studies studies used
   */
  public record Outcome(
      boolean accepted,
      List<String> refusals,
      CrossValidation.Result cv,
      Shrinkage.Fit fit,
      int slices,
      int studies) {}

  /**
   * Parent and adapted (fitted on all of {@code site}) scored on {@code test}, slices of other
   * studies; {@link CrossValidation.Result#folds()} is 0.
   */
  public CrossValidation.Result test(
      Bundle bundle, List<EnrolledSlice> site, List<EnrolledSlice> test) {
    return CrossValidation.score(bundle, fitAll(bundle, site), test);
  }

  public Outcome run(Bundle bundle, List<EnrolledSlice> slices) {
    boolean[] high = CrossValidation.highClasses(bundle);
    long highSlices = slices.stream().filter(s -> high[s.label()]).count();
    long lowSlices = slices.size() - highSlices;
    int studies = (int) slices.stream().map(EnrolledSlice::study).distinct().count();
    List<String> refusals = new ArrayList<>();
    if (studies < minStudies) {
      refusals.add(studies + " studies; at least " + minStudies + " are needed");
    }
    if (highSlices < minPerGrade || lowSlices < minPerGrade) {
      refusals.add(
          highSlices
              + " high-grade and "
              + lowSlices
              + " low-grade slices; at least "
              + minPerGrade
              + " of each are needed");
    }
    if (!refusals.isEmpty()) {
      return new Outcome(false, refusals, null, null, slices.size(), studies);
    }
    CrossValidation.Result cv =
        CrossValidation.run(bundle, slices, folds, weight, minPerGrade, seed);
    double parentAc1 = cv.parent().highLow().ac1().value();
    double adaptedAc1 = cv.adapted().highLow().ac1().value();
    if (adaptedAc1 < parentAc1) {
      refusals.add(
          String.format(
              Locale.ROOT, "held-out AC1 %.3f is below the parent's %.3f", adaptedAc1, parentAc1));
    }
    double parentSens = cv.parent().highLow().sensitivity().value();
    Interval adaptedSens = cv.adapted().highLow().sensitivity();
    if (adaptedSens.lower() < parentSens - sensitivityTolerance) {
      refusals.add(
          String.format(
              Locale.ROOT,
              "held-out sensitivity %.3f (95%% CI %.3f-%.3f on %d high-grade slices) cannot rule"
                  + " out a loss of more than %.2f from the parent's %.3f: more high-grade slices"
                  + " are needed, or the adaptation loses sensitivity",
              adaptedSens.value(),
              adaptedSens.lower(),
              adaptedSens.upper(),
              cv.adapted().highLow().truePositives() + cv.adapted().highLow().falseNegatives(),
              sensitivityTolerance,
              parentSens));
    }
    if (!refusals.isEmpty()) {
      return new Outcome(false, refusals, cv, null, slices.size(), studies);
    }
    return new Outcome(true, List.of(), cv, fitAll(bundle, slices), slices.size(), studies);
  }

  private Shrinkage.Fit fitAll(Bundle bundle, List<EnrolledSlice> slices) {
    return Shrinkage.fit(bundle.prototypes(), bundle.oodScale(), slices, weight, minPerGrade);
  }
}
