package io.cordwatch.study;

import io.cordwatch.dicom.InstanceFacts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides whether a series is one the model was trained on: an axial, T2-weighted MR series.
 * Grading anything else would give a confident-looking Bilsky grade for images the network has
 * never seen, so when in doubt a series is skipped, and the decision always says why in words a
 * radiographer can check against the scanner protocol.
 *
 * <p>The checks, in order (the summary names the first that fails; the reasons describe every check
 * that was made):
 *
 * <ol>
 *   <li><b>Modality.</b> Every instance must say {@code MR}; otherwise {@code skipped: not MR
 *       (CT)}, and nothing else is checked.
 *   <li><b>Orientation.</b> Each frame's slice normal is the cross product of the row and column
 *       direction cosines of Image Orientation (Patient). Its plane is the patient axis it lies
 *       closest to: z is axial, x sagittal, y coronal. Every image must carry an orientation
 *       ({@code skipped: no orientation}); all frames must fall in the same plane ({@code skipped:
 *       mixed orientations}, e.g. a three-plane localizer); that plane must be axial ({@code
 *       skipped: sagittal} / {@code skipped: coronal}); and every frame's normal must be within
 *       {@link SelectionRules#axialMaxAngleDeg()} of z ({@code skipped: oblique 32 deg from
 *       axial}). Spine axials are often angled per disc level, so different angles within the limit
 *       are fine; the worst angle is the one reported.
 *   <li><b>Exclusions.</b> Some sequences have long TE and TR yet are not the plain T2 contrast the
 *       model expects: inversion recovery (Scanning Sequence contains {@code IR}, or a name says
 *       STIR, TIRM or FLAIR; FLAIR darkens the CSF that Bilsky grading reads), diffusion (DWI,
 *       DIFF, ADC, TRACE, a Siemens {@code ep_b} sequence) and localizers (LOCALIZER, LOC, SCOUT,
 *       SURVEY, 3-PLANE). A name is the Series Description, Protocol Name or Sequence Name. These
 *       skip the series whatever TE/TR say: {@code skipped: not T2-weighted (STIR)}, or {@code
 *       skipped: localizer}.
 *   <li><b>T2 weighting by numbers.</b> When TE and TR are recorded, the series is T2-weighted iff
 *       the shortest TE is at least {@link SelectionRules#t2MinEchoTimeMs()} and the shortest TR at
 *       least {@link SelectionRules#t2MinRepetitionTimeMs()} (the shortest, so that a
 *       proton-density/T2 dual echo series is not taken for T2). The numbers win over the names:
 *       when a name says otherwise (T1, PD, T2* said of a T2 series, or T2 said of a series that is
 *       not) the series goes with the numbers and a reason mentions the conflict.
 *   <li><b>T2 weighting by names,</b> only when TE or TR is missing. A recorded TE or TR below its
 *       threshold still decides "not T2". Otherwise the names are read, strongest first:
 *       <ol>
 *         <li>an explicit weighting: {@code T2}, {@code T2W}, {@code T2WI} mean T2; {@code T1},
 *             {@code PD} and {@code T2*} / {@code T2STAR} / {@code MEDIC} / {@code SWI} mean not
 *             T2; both kinds at once mean nobody can tell;
 *         <li>else the sequence family: {@code TSE}, {@code FSE} (also SSFSE, FRFSE), {@code
 *             HASTE}, {@code SPACE}/{@code SPC} mean T2; {@code GRE}, {@code FFE}, {@code TFE},
 *             {@code FLASH}, {@code FL2D}/{@code FL3D}, {@code MPRAGE}, {@code VIBE}, or a Scanning
 *             Sequence of {@code GR} without {@code SE} mean not T2;
 *         <li>else a recorded TE at or above the threshold alone means T2 (a long echo time gives
 *             T2 weighting whatever the TR); anything else is not T2, since nothing says it is.
 *       </ol>
 *   <li><b>Body part.</b> Where Body Part Examined (0018,0015) is recorded, a value naming the
 *       spine ({@code CSPINE}, {@code TSPINE}, {@code LSPINE}, {@code SSPINE}, {@code SPINE},
 *       {@code WHOLESPINE}, anything containing {@code SPINE}) is accepted; a value naming another
 *       part ({@code HEAD}, {@code BRAIN}, {@code KNEE}, ...: {@link BodyParts}) skips the series:
 *       {@code skipped: body part HEAD (not spine)}. The tag is optional and often free text, so
 *       its absence is no reason to skip ("body part not stated"), and a value that is neither
 *       (e.g. {@code CHEST}, a local word) is reported and not used to decide.
 * </ol>
 *
 * <p>Names are matched case-insensitively on whole tokens where it matters ({@code T2} does not
 * match {@code T21}), after removing vertebral ranges such as {@code T4-T12} or {@code C7-T1},
 * which in a thoracic spine protocol would otherwise read as weightings.
 *
 * <p>This class only looks at {@link InstanceFacts}: it never reads pixel data or files, so it can
 * run on every instance as it is indexed.
 */
public final class SeriesSelector {
  private static final Pattern VERTEBRAL_RANGE =
      Pattern.compile("(?<![A-Z0-9])[CTLS]\\d{1,2}\\s*[-/]\\s*[CTLS]?\\d{1,2}(?![0-9])");

  private static final String INVERSION_RECOVERY =
      "inversion recovery changes the contrast the model was trained on";
  private static final List<Keyword> EXCLUSIONS =
      List.of(
          new Keyword("FLAIR", "FLAIR|DARK[ _-]?FLUID", "FLAIR darkens the CSF the grade reads"),
          new Keyword("STIR", "(?<![A-Z])STIR(?![A-Z])", INVERSION_RECOVERY),
          new Keyword("inversion recovery", "TIRM|(?<![A-Z])TIR\\d", INVERSION_RECOVERY),
          new Keyword(
              "diffusion",
              "DWI|DIFF|(?<![A-Z])ADC(?![A-Z])|(?<![A-Z])TRACE|(?<![A-Z])EP_B\\d",
              "diffusion images are not T2 anatomy"),
          new Keyword(
              "localizer",
              "LOCALI[SZ]ER|(?<![A-Z])LOC(?![A-Z])|SCOUT|SURVEY|(?<![A-Z0-9])3[ -]?PLANE",
              "a localizer is too coarse to grade"));

  private static final Keyword T2_STAR =
      new Keyword("T2*", "T2\\s?\\*|T2[ _-]?STAR|T2FFE|(?<![A-Z])MEDIC(?![A-Z])|(?<![A-Z])SWI");
  private static final Keyword T2 =
      new Keyword("T2", "(?<![0-9])T2(?![0-9]|\\s?\\*|[ _-]?STAR|FFE)");
  private static final List<Keyword> NOT_T2_WEIGHTINGS =
      List.of(
          new Keyword("T1", "(?<![0-9])T1(?![0-9])"),
          new Keyword("PD", "(?<![A-Z0-9])PD(?:W|WI|FS)?(?![A-Z0-9])"));

  private static final Keyword T2_FAMILY =
      new Keyword(
          "TSE/FSE/HASTE/SPACE",
          "TSE|FSE|HASTE|SPACE|(?<![A-Z])SPC(?![A-Z])|(?<![A-Z])RARE(?![A-Z])");
  private static final Keyword GRADIENT_ECHO_FAMILY =
      new Keyword("gradient echo", "(?<![A-Z])(GRE|FFE|TFE|FLASH|FL[23]D|MPRAGE|VIBE)(?![A-Z])");

  private final SelectionRules rules;

  public SeriesSelector(SelectionRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  /** The rules this selector applies. */
  public SelectionRules rules() {
    return rules;
  }

  /** Decides on one series, given the facts of all its instances received so far. */
  public SeriesDecision decide(List<InstanceFacts> instances) {
    if (instances == null || instances.isEmpty()) {
      return new SeriesDecision(
          false, "skipped: no instances", List.of("no instances: nothing to decide on"));
    }
    List<String> reasons = new ArrayList<>();

    Set<String> modalities = new TreeSet<>();
    for (InstanceFacts i : instances) {
      modalities.add(
          i.modality() == null ? "no modality" : i.modality().strip().toUpperCase(Locale.ROOT));
    }
    if (!modalities.equals(Set.of("MR"))) {
      String found = String.join("/", modalities);
      reasons.add("modality " + found + ": only MR series are graded");
      return new SeriesDecision(false, "skipped: not MR (" + found + ")", reasons);
    }
    reasons.add("modality MR");

    Geometry geometry = geometry(instances);
    reasons.add(geometry.reason());
    Weighting weighting = weighting(instances);
    reasons.addAll(weighting.reasons());

    if (geometry.failure() != null) {
      reasons.add(BodyParts.of(instances).reason());
      return new SeriesDecision(false, "skipped: " + geometry.failure(), reasons);
    }
    if (!weighting.t2()) {
      String why =
          weighting.detail().equals("localizer")
              ? "localizer"
              : "not T2-weighted (" + weighting.detail() + ")";
      reasons.add(BodyParts.of(instances).reason());
      return new SeriesDecision(false, "skipped: " + why, reasons);
    }
    BodyParts.Finding body = BodyParts.of(instances);
    reasons.add(body.reason());
    if (body.refused() != null) {
      return new SeriesDecision(
          false, "skipped: body part " + body.refused() + " (not spine)", reasons);
    }
    return new SeriesDecision(
        true,
        "selected: axial " + degrees(geometry.worstAngle()) + " deg, " + weighting.detail(),
        reasons);
  }

  // ---- orientation

  private enum Plane {
    SAGITTAL("sagittal", "x"),
    CORONAL("coronal", "y"),
    AXIAL("axial", "z");

    final String word;
    final String axis;

    Plane(String word, String axis) {
      this.word = word;
      this.axis = axis;
    }
  }

  /**
   * @param failure what the summary says after "skipped: ", or null when the series is axial
   * @param worstAngle the largest angle between a frame's normal and its plane's axis, in degrees
   */
  private record Geometry(String failure, String reason, double worstAngle) {}

  private Geometry geometry(List<InstanceFacts> instances) {
    Map<Plane, List<Double>> anglesByPlane = new EnumMap<>(Plane.class);
    int withoutOrientation = 0;
    for (InstanceFacts i : instances) {
      boolean any = false;
      for (double[] iop : i.frameOrientations()) {
        double[] n = normal(iop);
        if (n == null) {
          continue;
        }
        any = true;
        Plane plane = closestAxis(n);
        double cosine = Math.min(1, Math.abs(n[plane.ordinal()]));
        anglesByPlane
            .computeIfAbsent(plane, p -> new ArrayList<>())
            .add(Math.toDegrees(Math.acos(cosine)));
      }
      if (!any) {
        withoutOrientation++;
      }
    }
    if (anglesByPlane.isEmpty()) {
      return new Geometry(
          "no orientation", "no orientation: no image carries a usable Image Orientation", 0);
    }
    if (withoutOrientation > 0) {
      return new Geometry(
          "no orientation",
          "no orientation: "
              + withoutOrientation
              + " of "
              + instances.size()
              + " images carry no usable Image Orientation, so they cannot be shown to be axial",
          0);
    }
    if (anglesByPlane.size() > 1) {
      String counts =
          anglesByPlane.entrySet().stream()
              .sorted((a, b) -> b.getKey().compareTo(a.getKey()))
              .map(e -> e.getValue().size() + " " + e.getKey().word)
              .collect(Collectors.joining(", "));
      return new Geometry(
          "mixed orientations",
          "mixed orientations: " + counts + " frames (a localizer or a composed series)",
          0);
    }
    Map.Entry<Plane, List<Double>> only = anglesByPlane.entrySet().iterator().next();
    Plane plane = only.getKey();
    List<Double> angles = only.getValue().stream().sorted().toList();
    double worst = angles.getLast();
    double median = angles.get(angles.size() / 2);
    String over =
        angles.size() == 1
            ? ""
            : " over " + angles.size() + " frames (median " + degrees(median) + " deg)";
    String upTo = angles.size() == 1 ? "" : "up to ";
    double limit = rules.axialMaxAngleDeg();
    if (plane != Plane.AXIAL) {
      return new Geometry(
          plane.word,
          plane.word
              + ": slice normal "
              + upTo
              + degrees(worst)
              + " deg from the patient "
              + plane.axis
              + "-axis"
              + over
              + "; axial needs the normal within "
              + degrees(limit)
              + " deg of z",
          worst);
    }
    if (worst > limit) {
      String shown = degreesAbove(worst, limit);
      return new Geometry(
          "oblique " + shown + " deg from axial",
          "oblique: slice normal "
              + upTo
              + shown
              + " deg from the patient z-axis"
              + over
              + ", beyond the "
              + degrees(limit)
              + " deg limit for axial",
          worst);
    }
    return new Geometry(
        null,
        "axial: slice normal "
            + upTo
            + degrees(worst)
            + " deg from the patient z-axis"
            + over
            + ", within the "
            + degrees(limit)
            + " deg limit",
        worst);
  }

  /** Unit slice normal (row x column), or null for cosines that do not span a plane. */
  private static double[] normal(double[] iop) {
    if (iop == null || iop.length != 6) {
      return null;
    }
    double x = iop[1] * iop[5] - iop[2] * iop[4];
    double y = iop[2] * iop[3] - iop[0] * iop[5];
    double z = iop[0] * iop[4] - iop[1] * iop[3];
    double length = Math.sqrt(x * x + y * y + z * z);
    if (!(length > 1e-6)) {
      return null;
    }
    return new double[] {x / length, y / length, z / length};
  }

  private static Plane closestAxis(double[] n) {
    double ax = Math.abs(n[0]);
    double ay = Math.abs(n[1]);
    double az = Math.abs(n[2]);
    if (az >= ax && az >= ay) {
      return Plane.AXIAL;
    }
    return ax >= ay ? Plane.SAGITTAL : Plane.CORONAL;
  }

  // ---- weighting

  /**
   * @param detail what the summary says about weighting, e.g. {@code TE 102 ms, TR 4000 ms}
   */
  private record Weighting(boolean t2, String detail, List<String> reasons) {}

  /** Where a keyword was found, for the reasons. */
  private record Hit(String label, String where, String why) {}

  private Weighting weighting(List<InstanceFacts> instances) {
    Range te = Range.of(instances.stream().map(InstanceFacts::echoTimeMs).toList());
    Range tr = Range.of(instances.stream().map(InstanceFacts::repetitionTimeMs).toList());
    Names names = new Names(instances);
    List<String> reasons = new ArrayList<>();
    String numbers = te.describe("TE") + ", " + tr.describe("TR");

    Hit excluded = names.first(EXCLUSIONS);
    if (excluded == null && names.scanningSequenceHas("IR")) {
      excluded =
          new Hit(
              "inversion recovery",
              "Scanning Sequence " + names.scanningSequences(),
              INVERSION_RECOVERY);
    }
    if (excluded != null) {
      reasons.add(
          "not graded: "
              + excluded.where()
              + " says "
              + excluded.label()
              + " ("
              + excluded.why()
              + "), whatever TE/TR say");
      return new Weighting(false, excluded.label(), reasons);
    }

    Hit saysT2 = names.first(List.of(T2));
    Hit saysNotT2 = names.first(NOT_T2_WEIGHTINGS);
    Hit saysT2Star = names.first(List.of(T2_STAR));
    if (saysNotT2 == null) {
      saysNotT2 = saysT2Star;
    }

    boolean teShort = te.known() && te.min() < rules.t2MinEchoTimeMs();
    boolean trShort = tr.known() && tr.min() < rules.t2MinRepetitionTimeMs();
    if (te.known() && tr.known() || teShort || trShort) {
      boolean t2 = !teShort && !trShort;
      reasons.add(numbersReason(te, tr, t2));
      if (t2 && saysNotT2 != null) {
        reasons.add(
            saysNotT2.where()
                + " says "
                + saysNotT2.label()
                + " but TE/TR say T2-weighted; going with TE/TR");
      } else if (!t2 && saysT2 != null) {
        reasons.add(saysT2.where() + " says T2 but TE/TR say not T2-weighted; going with TE/TR");
      }
      return new Weighting(t2, numbers, reasons);
    }

    // TE or TR missing, and what is recorded does not rule T2 out: the names decide.
    String recorded = te.known() || tr.known() ? numbers : "no TE/TR";
    String prefix = (te.known() || tr.known() ? numbers : "TE/TR not recorded") + "; ";
    if (saysT2 != null && saysNotT2 != null) {
      reasons.add(
          prefix
              + saysT2.where()
              + " says T2 and "
              + saysNotT2.where()
              + " says "
              + saysNotT2.label()
              + ": cannot tell, so not taken as T2-weighted");
      return new Weighting(false, "names disagree, " + recorded, reasons);
    }
    if (saysT2 != null || saysNotT2 != null) {
      Hit hit = saysT2 != null ? saysT2 : saysNotT2;
      boolean t2 = saysT2 != null;
      reasons.add(
          prefix
              + hit.where()
              + " says "
              + hit.label()
              + (t2 ? ": taken as T2-weighted" : ": not T2-weighted"));
      return new Weighting(t2, hit.label() + " in name, " + recorded, reasons);
    }
    Hit family = names.first(List.of(T2_FAMILY));
    Hit gradientEcho = names.first(List.of(GRADIENT_ECHO_FAMILY));
    if (gradientEcho == null
        && names.scanningSequenceHas("GR")
        && !names.scanningSequenceHas("SE")) {
      gradientEcho =
          new Hit("gradient echo", "Scanning Sequence " + names.scanningSequences(), null);
    }
    if (family != null && gradientEcho == null) {
      reasons.add(prefix + family.where() + " names a T2 sequence family: taken as T2-weighted");
      return new Weighting(true, "T2 family in name, " + recorded, reasons);
    }
    if (gradientEcho != null) {
      reasons.add(
          prefix
              + gradientEcho.where()
              + " says gradient echo"
              + (family != null ? " (and " + family.where() + " a T2 family)" : "")
              + ": not T2-weighted");
      return new Weighting(false, "gradient echo, " + recorded, reasons);
    }
    if (te.known()) {
      reasons.add(
          te.describe("TE")
              + " >= "
              + number(rules.t2MinEchoTimeMs())
              + " ms gives T2 weighting by itself; TR not recorded");
      return new Weighting(true, numbers, reasons);
    }
    reasons.add(prefix + "no name says T2: not taken as T2-weighted");
    return new Weighting(false, recorded + ", no T2 in name", reasons);
  }

  private String numbersReason(Range te, Range tr, boolean t2) {
    if (t2) {
      return "T2-weighted: "
          + te.describe("TE")
          + " >= "
          + number(rules.t2MinEchoTimeMs())
          + " ms and "
          + tr.describe("TR")
          + " >= "
          + number(rules.t2MinRepetitionTimeMs())
          + " ms";
    }
    List<String> failing = new ArrayList<>();
    if (te.known() && te.min() < rules.t2MinEchoTimeMs()) {
      failing.add(te.describe("TE") + " (needs >= " + number(rules.t2MinEchoTimeMs()) + " ms)");
    }
    if (tr.known() && tr.min() < rules.t2MinRepetitionTimeMs()) {
      failing.add(
          tr.describe("TR") + " (needs >= " + number(rules.t2MinRepetitionTimeMs()) + " ms)");
    }
    return "not T2-weighted: " + String.join(", ", failing);
  }

  /**
   * The TE or TR values recorded in a series. Instances that lack one are ignored when others have
   * it: a scanner does not change TR halfway through a series, so the rest speak for them.
   */
  private record Range(double min, double max, boolean known) {
    static Range of(List<Double> values) {
      double[] present = values.stream().filter(Objects::nonNull).mapToDouble(d -> d).toArray();
      if (present.length == 0) {
        return new Range(Double.NaN, Double.NaN, false);
      }
      return new Range(
          Arrays.stream(present).min().orElseThrow(),
          Arrays.stream(present).max().orElseThrow(),
          true);
    }

    String describe(String name) {
      if (!known) {
        return name + " not recorded";
      }
      if (number(min).equals(number(max))) {
        return name + " " + number(min) + " ms";
      }
      return name + " " + number(min) + "-" + number(max) + " ms";
    }
  }

  /** The free-text names of a series, searched in a fixed order so reasons are reproducible. */
  private static final class Names {
    private final List<String[]> fields = new ArrayList<>();
    private final Set<String> scanning = new LinkedHashSet<>();

    Names(List<InstanceFacts> instances) {
      add("series description", instances.stream().map(InstanceFacts::seriesDescription));
      add("protocol name", instances.stream().map(InstanceFacts::protocolName));
      add("sequence name", instances.stream().map(InstanceFacts::sequenceName));
      for (InstanceFacts i : instances) {
        if (i.scanningSequence() != null) {
          for (String part : i.scanningSequence().split("\\\\")) {
            if (!part.isBlank()) {
              scanning.add(part.strip().toUpperCase(Locale.ROOT));
            }
          }
        }
      }
    }

    private void add(String field, Stream<String> values) {
      values
          .filter(Objects::nonNull)
          .distinct()
          .forEach(v -> fields.add(new String[] {field, v, searchable(v)}));
    }

    private static String searchable(String s) {
      return VERTEBRAL_RANGE.matcher(s.toUpperCase(Locale.ROOT)).replaceAll(" ");
    }

    Hit first(List<Keyword> keywords) {
      for (Keyword k : keywords) {
        for (String[] f : fields) {
          Matcher m = k.pattern().matcher(f[2]);
          if (m.find()) {
            return new Hit(k.label(), f[0] + " '" + f[1] + "'", k.why());
          }
        }
      }
      return null;
    }

    boolean scanningSequenceHas(String code) {
      return scanning.contains(code);
    }

    String scanningSequences() {
      return String.join("\\", scanning);
    }
  }

  private record Keyword(String label, Pattern pattern, String why) {
    Keyword(String label, String regex) {
      this(label, Pattern.compile(regex), null);
    }

    Keyword(String label, String regex, String why) {
      this(label, Pattern.compile(regex), why);
    }
  }

  // ---- formatting

  /** Whole degrees, as a radiographer reads them off the console. */
  private static String degrees(double d) {
    return Long.toString(Math.round(d));
  }

  /**
   * An angle that failed the limit, shown with enough decimals that it visibly exceeds it (20.4
   * against a limit of 20 must not print as "20").
   */
  private static String degreesAbove(double angle, double limit) {
    if (Math.round(angle) > limit) {
      return degrees(angle);
    }
    return String.format(Locale.ROOT, "%.2f", angle).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  /** Milliseconds without noise: 102 stays 102, 1.52 becomes 1.5, 3.8045 becomes 3.8. */
  private static String number(double ms) {
    double rounded = Math.round(ms * 10) / 10.0;
    if (rounded == Math.rint(rounded)) {
      return Long.toString((long) rounded);
    }
    return String.format(Locale.ROOT, "%.1f", rounded);
  }
}
