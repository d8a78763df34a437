package io.cordwatch.study;

import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.SpineRegion;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a series' Body Part Examined says about coverage: the spine, another part, or nothing.
 * Lenient on purpose: the tag is type 3, often empty and sometimes local free text, so only a value
 * that clearly names another part of the body skips a series.
 */
final class BodyParts {
  /** DICOM defined terms (PS3.16 CID 4031) and common values that are clearly not the spine. */
  private static final Set<String> OTHER_PARTS =
      Set.of(
          "HEAD",
          "BRAIN",
          "SKULL",
          "ORBIT",
          "IAC",
          "SELLA",
          "FACE",
          "JAW",
          "TMJ",
          "KNEE",
          "ANKLE",
          "FOOT",
          "HAND",
          "FINGER",
          "WRIST",
          "ELBOW",
          "ARM",
          "FOREARM",
          "SHOULDER",
          "HIP",
          "LEG",
          "THIGH",
          "BREAST",
          "HEART",
          "PROSTATE",
          "LIVER",
          "KIDNEY",
          "EXTREMITY");

  private BodyParts() {}

  /**
   * @param refused the first value naming another part, or null
   * @param reason the line for the selection's reasons
   */
  record Finding(String refused, String reason) {}

  static Finding of(List<InstanceFacts> instances) {
    Set<String> stated = new TreeSet<>();
    for (InstanceFacts i : instances) {
      String b = i.bodyPartExamined();
      if (b != null && !b.isBlank()) {
        stated.add(b.strip().toUpperCase(Locale.ROOT));
      }
    }
    if (stated.isEmpty()) {
      return new Finding(null, "body part not stated: coverage not checked");
    }
    String all = String.join("/", stated);
    for (String b : stated) {
      if (OTHER_PARTS.contains(b.replace(" ", ""))) {
        return new Finding(b, "body part " + all + ": not the spine");
      }
    }
    if (stated.stream().allMatch(SpineRegion::belowConus)) {
      return new Finding(
          null,
          "body part "
              + all
              + ": lumbar or sacral spine, below the conus: graded, but its verdict is"
              + " indeterminate (no cord to grade)");
    }
    if (stated.stream().allMatch(b -> b.contains("SPINE"))) {
      return new Finding(null, "body part " + all + ": spine");
    }
    return new Finding(null, "body part " + all + ": not recognised, not used to decide");
  }
}
