package io.cordwatch.phantom.real;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The real volumes of the fixture folder ({@code shared/fixtures/real-spine}), with what is known
 * about each: how its cord is found, how it was acquired, and where it came from. All are Spinal
 * Cord Toolbox example data (NeuroPoly, Polytechnique Montreal), MIT licence, healthy volunteers.
 * The acquisition numbers are plausible values for the kind of sequence, not read from the source
 * (NIfTI keeps none): a 3D T2 SPACE-like fast spin echo (TE 120 ms, TR 1500 ms), a multi-echo GRE
 * T2* (TE 14 ms, TR 600 ms: correctly not T2-weighted by the series rules).
 */
public enum RealSource {
  CERVICAL_T2STAR(
      "cervical-axial-t2star",
      "cervical-axial-t2star.nii.gz",
      "cervical-axial-t2star_gm-seg.nii.gz",
      Cord.GREY_MATTER,
      "AX T2* GRE REAL NORMAL (gradient echo)",
      "CSPINE",
      14,
      600,
      "GR",
      "sct_testing_data t2s/t2s_uncropped (+ t2s_uncropped_gmseg_manual)"),
  CERVICAL_T2(
      "cervical-3d-t2-crop",
      "cervical-3d-t2-crop.nii.gz",
      "cervical-3d-t2-crop_cord-seg.nii.gz",
      Cord.SEGMENTATION,
      "AX T2 REAL NORMAL (3D T2 resliced)",
      "CSPINE",
      120,
      1500,
      "SE",
      "sct_testing_data t2/t2 (+ t2_seg-manual)"),
  LUMBAR_T2(
      "lumbar-3d-t2",
      "lumbar-3d-t2.nii.gz",
      null,
      Cord.NONE,
      "AX T2 REAL NORMAL (3D T2 resliced)",
      "LSPINE",
      120,
      1500,
      "SE",
      "sct_tutorial_data single_subject/data/t2_lumbar"),
  PAM50_T2(
      "pam50-template-t2",
      "pam50-template-t2.nii.gz",
      null,
      Cord.TEMPLATE_CENTRE,
      "AX T2 REAL NORMAL (PAM50 template resliced)",
      "SPINE",
      120,
      1500,
      "SE",
      "sct_testing_data template/PAM50_small_t2");

  /** How the cord is known on a slice. */
  public enum Cord {
    /** A manual cord segmentation on the same grid. */
    SEGMENTATION,
    /** A manual grey-matter mask: the cord is taken as the grey matter widened by 1.5 mm. */
    GREY_MATTER,
    /** A template centred on the cord: the cord is the dark region grown from the image centre. */
    TEMPLATE_CENTRE,
    /** Not known: the series is written without canal boxes. */
    NONE
  }

  private final String id;
  private final String image;
  private final String mask;
  private final Cord cord;
  private final String description;
  private final String bodyPart;
  private final double echoTime;
  private final double repetitionTime;
  private final String scanningSequence;
  private final String origin;

  RealSource(
      String id,
      String image,
      String mask,
      Cord cord,
      String description,
      String bodyPart,
      double echoTime,
      double repetitionTime,
      String scanningSequence,
      String origin) {
    this.id = id;
    this.image = image;
    this.mask = mask;
    this.cord = cord;
    this.description = description;
    this.bodyPart = bodyPart;
    this.echoTime = echoTime;
    this.repetitionTime = repetitionTime;
    this.scanningSequence = scanningSequence;
    this.origin = origin;
  }

  /** Short name used in folders and UIDs. */
  public String id() {
    return id;
  }

  /** The image file name in the fixture folder. */
  public String image() {
    return image;
  }

  /** The mask file name (cord or grey matter), or null. */
  public String mask() {
    return mask;
  }

  /** How the cord is known. */
  public Cord cord() {
    return cord;
  }

  /** Series Description. */
  public String description() {
    return description;
  }

  /** Body Part Examined. */
  public String bodyPart() {
    return bodyPart;
  }

  /** Echo Time written (ms). */
  public double echoTime() {
    return echoTime;
  }

  /** Repetition Time written (ms). */
  public double repetitionTime() {
    return repetitionTime;
  }

  /** Scanning Sequence written: SE (fast spin echo) or GR (gradient echo). */
  public String scanningSequence() {
    return scanningSequence;
  }

  /** Where the data set came from (SCT example data set and file). */
  public String origin() {
    return origin;
  }

  /**
   * The sources named in {@code names}, a comma-separated list of {@link #id()}s (blanks around
   * names ignored), in enum order without duplicates.
   *
   * @throws IllegalArgumentException naming the unknown name and listing the valid ones, or when
   *     the list names nothing
   */
  public static Set<RealSource> parse(String names) {
    Set<RealSource> out = EnumSet.noneOf(RealSource.class);
    for (String n : names.split(",", -1)) {
      String name = n.strip();
      if (name.isEmpty()) {
        continue;
      }
      RealSource found = null;
      for (RealSource s : values()) {
        if (s.id.equals(name)) {
          found = s;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException(
            "unknown source '" + name + "'; valid sources: " + validNames());
      }
      out.add(found);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no source named; valid sources: " + validNames());
    }
    return out;
  }

  /** The valid source names, comma-separated, in enum order. */
  public static String validNames() {
    return Arrays.stream(values()).map(RealSource::id).collect(Collectors.joining(", "));
  }

  /** Whether the series rules should take the series as axial T2 (the T2* GRE: no). */
  public boolean t2Weighted() {
    return echoTime >= 60;
  }
}
