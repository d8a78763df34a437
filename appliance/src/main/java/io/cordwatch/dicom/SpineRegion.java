package io.cordwatch.dicom;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a series' Body Part Examined (0018,0015) says about where on the spine it lies: whether it
 * names only the lumbar or sacral spine, below the conus, where there is no spinal cord to grade.
 *
 * <p>The Bilsky scale grades compression of the spinal cord, and the method we implement was
 * developed on slices from the cervicothoracic junction to the conus; the shipped models never saw
 * the spine below it. Values are compared after dropping case and everything but letters, so the
 * DICOM defined terms (LSPINE, LSSPINE, SSPINE, COCCYX) and common free text ("L-SPINE", "Lumbar
 * spine", "SACRUM") are recognised alike. A series is below the conus only when every value its
 * instances state says so: a thoracolumbar series (TLSPINE), a whole spine, an unknown value or no
 * value at all is graded as any other. The tag is type 3; a file without it is read by its coded
 * Anatomic Region instead ({@link AnatomicRegion}, which Enhanced MR always carries), and a lumbar
 * series stating neither is not recognised.
 */
public final class SpineRegion {
  private static final Set<String> BELOW_CONUS =
      Set.of(
          "LSPINE",
          "LSSPINE",
          "SSPINE",
          "SACRUM",
          "COCCYX",
          "LUMBAR",
          "LUMBARSPINE",
          "LUMBOSACRAL",
          "LUMBOSACRALSPINE",
          "SACRALSPINE");

  private SpineRegion() {}

  /** Whether one Body Part Examined value names only the lumbar or sacral spine. */
  public static boolean belowConus(String bodyPart) {
    if (bodyPart == null) {
      return false;
    }
    String letters = bodyPart.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
    return BELOW_CONUS.contains(letters);
  }

  /**
   * The values a series states, joined with "/" as recorded (upper case, sorted), when every one
   * names the lumbar or sacral spine; null when any names something else or none is stated.
   *
   * @param stated the Body Part Examined of each instance or frame; null or blank entries are
   *     skipped
   */
  public static String belowConus(Collection<String> stated) {
    Set<String> values = new TreeSet<>();
    for (String s : stated) {
      if (s != null && !s.isBlank()) {
        values.add(s.strip().toUpperCase(Locale.ROOT));
      }
    }
    if (values.isEmpty() || !values.stream().allMatch(SpineRegion::belowConus)) {
      return null;
    }
    return String.join("/", values);
  }
}
