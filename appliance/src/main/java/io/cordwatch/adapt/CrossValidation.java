package io.cordwatch.adapt;

import io.cordwatch.grade.HighDecision;
import io.cordwatch.grade.PrototypeHead;
import io.cordwatch.infer.Bundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parent against adapted on the same held-out slices, folds made of whole studies: each fold's
 * slices are scored by the parent's head and by a head re-enrolled on the other folds only, so no
 * slice is scored by prototypes that saw its own study. The pooled figures over all folds are what
 * {@link Adaptation} decides on.
 */
public final class CrossValidation {
  private CrossValidation() {}

  /** Pooled held-out figures of both heads, and the number of folds used. */
  public record Result(Figures parent, Figures adapted, int folds) {}

  static Result run(
      Bundle bundle,
      List<EnrolledSlice> slices,
      int folds,
      double weight,
      int minPerGrade,
      long seed) {
    Set<String> studies = new TreeSet<>(slices.stream().map(EnrolledSlice::study).toList());
    int f = Math.min(folds, studies.size());
    Map<String, Integer> foldOf = StudyFolds.assign(studies, f, seed);
    HighDecision decision = HighDecision.of(bundle);
    boolean[] high = highClasses(bundle);
    List<PrototypeHead> adapted = new ArrayList<>();
    for (int fold = 0; fold < f; fold++) {
      List<EnrolledSlice> fitOn = new ArrayList<>();
      for (EnrolledSlice s : slices) {
        if (foldOf.get(s.study()) != fold) {
          fitOn.add(s);
        }
      }
      Shrinkage.Fit fit =
          Shrinkage.fit(bundle.prototypes(), bundle.oodScale(), fitOn, weight, minPerGrade);
      adapted.add(
          new PrototypeHead(
              fit.prototypes(), bundle.temperature(), fit.oodScale(), bundle.oodThreshold()));
    }
    PrototypeHead parentHead = PrototypeHead.of(bundle);
    return new Result(
        Figures.score(s -> parentHead, s -> decision, high, bundle.classes(), slices),
        Figures.score(
            s -> adapted.get(foldOf.get(s.study())), s -> decision, high, bundle.classes(), slices),
        f);
  }

  /** The parent's head and one fit scored on the same slices. */
  static Result score(Bundle bundle, Shrinkage.Fit fit, List<EnrolledSlice> slices) {
    HighDecision decision = HighDecision.of(bundle);
    boolean[] high = highClasses(bundle);
    PrototypeHead parentHead = PrototypeHead.of(bundle);
    PrototypeHead adapted =
        new PrototypeHead(
            fit.prototypes(), bundle.temperature(), fit.oodScale(), bundle.oodThreshold());
    return new Result(
        Figures.score(s -> parentHead, s -> decision, high, bundle.classes(), slices),
        Figures.score(s -> adapted, s -> decision, high, bundle.classes(), slices),
        0);
  }

  static boolean[] highClasses(Bundle bundle) {
    boolean[] high = new boolean[bundle.classes().size()];
    for (int c = 0; c < high.length; c++) {
      high[c] = bundle.highGrade().contains(bundle.classes().get(c));
    }
    return high;
  }
}
