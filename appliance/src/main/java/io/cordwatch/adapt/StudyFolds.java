package io.cordwatch.adapt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Folds made of whole studies, the same for a given seed wherever they are drawn ({@link
 * CrossValidation} of an adaptation, {@link CrossValidatedOperatingPoint}): the distinct studies in
 * sorted order, shuffled by {@code new Random(seed)}, dealt round-robin into the folds. Slices of
 * one study are alike (one patient, one scanner, one session), so a fold that split a study would
 * let a threshold or a prototype see the study it is then scored on.
 */
final class StudyFolds {
  private StudyFolds() {}

  /** The fold (0 to {@code folds - 1}) of each study; {@code folds} at most the studies' count. */
  static Map<String, Integer> assign(Collection<String> studies, int folds, long seed) {
    List<String> shuffled = new ArrayList<>(new TreeSet<>(studies));
    if (folds < 1 || folds > shuffled.size()) {
      throw new IllegalArgumentException(
          folds + " folds for " + shuffled.size() + " studies: each fold needs a study");
    }
    Collections.shuffle(shuffled, new Random(seed));
    Map<String, Integer> foldOf = new HashMap<>();
    for (int i = 0; i < shuffled.size(); i++) {
      foldOf.put(shuffled.get(i), i % folds);
    }
    return foldOf;
  }
}
