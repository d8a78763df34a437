package io.cordwatch.phantom;

import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.phantom.Lesion.Direction;
import io.cordwatch.phantom.Lesion.SliceDisease;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * One phantom study before rendering: the scanner and protocol, the patient, and for each axial
 * slice its position along the spine, its pose and the disease on it.
 *
 * <p>Grades are planned so that a style's distribution holds over many studies and each lesion
 * looks like one: the study's slice quota per grade is drawn from the style's targets (stochastic
 * rounding, so the expectation is exact), then shared among one to three lesions. Each lesion is a
 * run of consecutive slices whose grade rises 1a, 1b, ... to its peak and falls back, so grades
 * change smoothly along the spine; between lesions, and around them, slices are grade 0 (some with
 * marrow disease only). A planned grade becomes a severity sigma inside that grade's stage of
 * {@link SliceModel}, away from the stage boundaries; the label is still measured from the masks by
 * {@link BilskyGrader}, and the tests check that the two agree.
 *
 * <p>That planning is the internal and external styles'. The randomized style plans differently
 * ({@link Randomization}): continuous severities, random appearance, no grade quotas.
 */
public final class StudyPlan {
  /** The two test-set styles of the source study (BILSKY.md). */
  public enum Style {
    /** Development set: about 78% grade 0 and 8% high grade. */
    INTERNAL(
        new double[] {0.78, 0.08, 0.06, 0.03, 0.03, 0.02},
        new Scanner[] {Scanner.GE_15, Scanner.GE_30, Scanner.SIEMENS_15, Scanner.SIEMENS_30},
        1.0),
    /** External test set: about 22% high grade, other scanners, noisier. */
    EXTERNAL(
        new double[] {0.62, 0.09, 0.07, 0.08, 0.08, 0.06},
        new Scanner[] {Scanner.SIEMENS_AVANTO, Scanner.GE_OPTIMA, Scanner.PHILIPS_30},
        1.3),
    /**
     * Randomized: every appearance factor drawn per study or lesion (contrast from relaxation,
     * texture fields, anatomy, mimics, artefacts), severities continuous across grade boundaries, a
     * quarter of studies normal ({@link Randomization}). The targets are not used.
     */
    RANDOMIZED(new double[] {1, 0, 0, 0, 0, 0}, new Scanner[] {Scanner.GE_15}, 1.0);

    private final double[] targets;
    private final Scanner[] scanners;
    private final double noiseFactor;

    Style(double[] targets, Scanner[] scanners, double noiseFactor) {
      this.targets = targets;
      this.scanners = scanners;
      this.noiseFactor = noiseFactor;
    }

    /** Target fraction of axial slices per grade, in {@link Grade} order. */
    public double[] targets() {
      return targets.clone();
    }
  }

  /**
   * The protocol of the axial T2 series.
   *
   * @param matrix rows and columns
   * @param spacing pixel spacing, mm
   * @param thickness slice thickness and spacing, mm
   * @param repetitionTime TR, ms
   * @param echoTime TE, ms
   * @param echoTrain echo train length
   */
  public record Protocol(
      int matrix,
      double spacing,
      double thickness,
      double repetitionTime,
      double echoTime,
      int echoTrain) {}

  /**
   * One planned axial slice.
   *
   * @param along mm down the spine from the top of T1
   * @param pose where the anatomy sits in the image
   * @param disease what is drawn
   * @param planned the grade the plan aimed at (the label is measured, not this)
   */
  public record Slice(double along, Acquisition.Pose pose, SliceDisease disease, Grade planned) {}

  private static final double[][] SIGMA = {
    {0, 0}, {0.45, 0.95}, {1.45, 1.75}, {2.15, 2.9}, {3.35, 3.85}, {4.15, 4.9}
  };

  private final long seed;
  private final int index;
  private final Style style;
  private final Scanner scanner;
  private final Protocol protocol;
  private final SliceModel.Habitus habitus;
  private final Acquisition.Artefacts artefacts;
  private final List<Slice> slices;
  private final Randomization randomization;

  StudyPlan(
      long seed,
      int index,
      Style style,
      Scanner scanner,
      Protocol protocol,
      SliceModel.Habitus habitus,
      Acquisition.Artefacts artefacts,
      List<Slice> slices,
      Randomization randomization) {
    this.seed = seed;
    this.index = index;
    this.style = style;
    this.scanner = scanner;
    this.protocol = protocol;
    this.habitus = habitus;
    this.artefacts = artefacts;
    this.slices = slices;
    this.randomization = randomization;
  }

  /** The random stream of study {@code index} under {@code seed}: independent of other studies. */
  static RandomGenerator random(long seed, int index, long salt) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + salt);
  }

  /** Plans study {@code index} of a run with {@code seed}. */
  public static StudyPlan plan(long seed, int index, Style style, int slices) {
    return plan(seed, index, style, slices, null);
  }

  /**
   * Plans study {@code index} of a run with {@code seed}; for the randomized style, {@code heldOut}
   * (null for none) names the factor family drawn from its hold-out ranges ({@link FactorRange}).
   */
  public static StudyPlan plan(
      long seed, int index, Style style, int slices, FactorRange.Factor heldOut) {
    if (slices < 1) {
      throw new IllegalArgumentException("a study needs at least one slice, not " + slices);
    }
    if (style == Style.RANDOMIZED) {
      return Randomization.plan(seed, index, slices, heldOut);
    }
    if (heldOut != null) {
      throw new IllegalArgumentException("a held-out factor needs the randomized style");
    }
    RandomGenerator rnd = random(seed, index, 1);
    Scanner base = style.scanners[rnd.nextInt(style.scanners.length)];
    Scanner scanner =
        base.with(
            base.scale() * (0.8 + 0.4 * rnd.nextDouble()),
            base.noise() * style.noiseFactor * (0.8 + 0.4 * rnd.nextDouble()),
            base.ghosting(),
            base.flowVoids());
    int[][] matrices = {{256, 78, 90}, {320, 60, 75}, {384, 50, 62}, {512, 50, 50}};
    int[] m = matrices[rnd.nextInt(matrices.length)];
    double spacing = (m[1] + rnd.nextInt(m[2] - m[1] + 1)) / 100.0;
    double thickness = 3 + rnd.nextInt(5) * 0.5;
    Protocol protocol =
        new Protocol(
            m[0],
            spacing,
            thickness,
            3000 + 100 * rnd.nextInt(31),
            80 + 2 * rnd.nextInt(21),
            12 + 2 * rnd.nextInt(10));
    SliceModel.Habitus habitus = SliceModel.Habitus.draw(rnd);
    Acquisition.Artefacts artefacts =
        new Acquisition.Artefacts(
            0.5 + 0.6 * rnd.nextDouble(),
            0.3 + 0.8 * rnd.nextDouble(),
            rnd.nextDouble() < scanner.ghosting() ? 0.03 + 0.05 * rnd.nextDouble() : 0,
            rnd.nextBoolean(),
            rnd.nextDouble() < scanner.flowVoids());

    Grade[] grades = grades(style, slices, rnd);
    double[] bone = new double[slices];
    Direction[] dir = new Direction[slices];
    double[] bulge = new double[slices];
    assignLesionShapes(grades, bone, dir, bulge, rnd);

    double length = Math.max(0, Anatomy.length() - slices * thickness);
    double start = rnd.nextDouble() * length;
    Drift drift = Drift.draw(rnd);
    List<Slice> out = new ArrayList<>(slices);
    for (int i = 0; i < slices; i++) {
      double along = start + (i + 0.5) * thickness;
      Acquisition.Pose pose = drift.at(along);
      SliceDisease disease;
      if (grades[i] == Grade.G0) {
        disease =
            bone[i] > 0
                ? new SliceDisease(-1, dir[i] == null ? Direction.ANTERIOR : dir[i], 8, bone[i])
                : SliceDisease.NONE;
      } else {
        double[] range = SIGMA[grades[i].ordinal()];
        double sigma = range[0] + (range[1] - range[0]) * rnd.nextDouble();
        disease = new SliceDisease(sigma, dir[i], bulge[i], bone[i]);
      }
      out.add(new Slice(along, pose, disease, grades[i]));
    }
    return new StudyPlan(seed, index, style, scanner, protocol, habitus, artefacts, out, null);
  }

  /**
   * The patient's pose in the bore, drawn once a study: kyphosis and a slightly oblique patient
   * move the canal a little from slice to slice.
   */
  record Drift(double tx, double ty, double rotation, double phase, double wobble) {
    /** Draws the pose (five numbers from {@code rnd}, in this order). */
    static Drift draw(RandomGenerator rnd) {
      double tx = -6 + 12 * rnd.nextDouble();
      double ty = 8 + 12 * rnd.nextDouble();
      double rot = Math.toRadians(-6 + 12 * rnd.nextDouble());
      double phase = rnd.nextDouble() * Math.PI * 2;
      double wobble = 0.5 + rnd.nextDouble();
      return new Drift(tx, ty, rot, phase, wobble);
    }

    /** The pose of the slice {@code along} mm down the spine. */
    Acquisition.Pose at(double along) {
      double d = Math.sin(phase + along / 60.0);
      return new Acquisition.Pose(
          tx + 1.5 * d * wobble,
          ty + 3 * d,
          rotation + Math.toRadians(1.5 * Math.cos(phase + along / 45.0)));
    }
  }

  /**
   * The planned grade of every slice: quotas from the style's targets, shared among lesions that
   * rise to a peak and fall back, placed apart on a background of grade 0.
   */
  private static Grade[] grades(Style style, int slices, RandomGenerator rnd) {
    int[] quota = new int[6];
    int lesionSlices = 0;
    for (int g = 1; g < 6; g++) {
      double want = slices * style.targets[g];
      quota[g] = (int) want + (rnd.nextDouble() < want - (int) want ? 1 : 0);
      lesionSlices += quota[g];
    }
    Grade[] out = new Grade[slices];
    java.util.Arrays.fill(out, Grade.G0);
    int lesions = lesionSlices == 0 ? 0 : Math.min(3, (lesionSlices + 9) / 10);
    // Room for gaps of at least two grade 0 slices between lesions.
    while (lesions > 0 && lesionSlices + 2 * (lesions - 1) > slices) {
      if (lesions > 1) {
        lesions--;
      } else {
        // A study too short for its quota keeps the most severe slices that fit.
        for (int g = 1; g < 6 && lesionSlices > slices; g++) {
          int cut = Math.min(quota[g], lesionSlices - slices);
          quota[g] -= cut;
          lesionSlices -= cut;
        }
      }
    }
    if (lesions == 0) {
      return out;
    }
    int[] peak = new int[lesions];
    int[] left = quota.clone();
    int made = 0;
    for (int i = 0; i < lesions; i++) {
      int p = 5;
      while (p > 0 && left[p] == 0) {
        p--;
      }
      if (p == 0) {
        break;
      }
      peak[i] = p;
      left[p]--;
      made++;
    }
    lesions = made;
    // counts[i][g][0] rising, [1] falling (plateau counted in [0] of the peak)
    int[][][] counts = new int[lesions][6][2];
    for (int i = 0; i < lesions; i++) {
      counts[i][peak[i]][0] = 1;
    }
    for (int g = 1; g < 6; g++) {
      List<int[]> segments = new ArrayList<>();
      for (int i = 0; i < lesions; i++) {
        if (peak[i] > g) {
          segments.add(new int[] {i, 0});
          segments.add(new int[] {i, 1});
        } else if (peak[i] == g) {
          segments.add(new int[] {i, 0});
        }
      }
      if (segments.isEmpty()) {
        continue;
      }
      int start = rnd.nextInt(segments.size());
      for (int k = 0; left[g] > 0; k++, left[g]--) {
        int[] s = segments.get((start + k) % segments.size());
        counts[s[0]][g][s[1]]++;
      }
    }
    List<List<Grade>> runs = new ArrayList<>();
    int used = 0;
    for (int i = 0; i < lesions; i++) {
      List<Grade> run = new ArrayList<>();
      for (int g = 1; g <= peak[i]; g++) {
        for (int c = 0; c < counts[i][g][0]; c++) {
          run.add(Grade.values()[g]);
        }
      }
      for (int g = peak[i] - 1; g >= 1; g--) {
        for (int c = 0; c < counts[i][g][1]; c++) {
          run.add(Grade.values()[g]);
        }
      }
      runs.add(run);
      used += run.size();
    }
    int free = slices - used;
    int[] gaps = new int[lesions + 1];
    int minimum = 2 * (lesions - 1);
    for (int i = 1; i < lesions; i++) {
      gaps[i] = 2;
    }
    for (int k = 0; k < free - minimum; k++) {
      gaps[rnd.nextInt(gaps.length)]++;
    }
    int pos = 0;
    for (int i = 0; i < lesions; i++) {
      pos += gaps[i];
      for (Grade g : runs.get(i)) {
        out[pos++] = g;
      }
    }
    return out;
  }

  /** Direction, bulge and marrow involvement for each lesion run, and bone-only disease nearby. */
  private static void assignLesionShapes(
      Grade[] grades, double[] bone, Direction[] dir, double[] bulge, RandomGenerator rnd) {
    int n = grades.length;
    int i = 0;
    while (i < n) {
      if (grades[i] == Grade.G0) {
        i++;
        continue;
      }
      int j = i;
      while (j < n && grades[j] != Grade.G0) {
        j++;
      }
      double pick = rnd.nextDouble();
      Direction d =
          pick < 0.4
              ? Direction.ANTERIOR
              : pick < 0.55
                  ? Direction.ANTEROLATERAL_LEFT
                  : pick < 0.7
                      ? Direction.ANTEROLATERAL_RIGHT
                      : pick < 0.82 ? Direction.POSTERIOR : Direction.CIRCUMFERENTIAL;
      double b = 5 + 5 * rnd.nextDouble();
      int from = Math.max(0, i - 1 - rnd.nextInt(2));
      int to = Math.min(n, j + 1 + rnd.nextInt(2));
      for (int k = from; k < to; k++) {
        if (grades[k] != Grade.G0 || (bone[k] == 0 && dir[k] == null)) {
          dir[k] = d;
          bulge[k] = b;
          double mid = (i + j - 1) / 2.0;
          double spread = Math.max(1, (to - from) / 2.0);
          bone[k] = Math.max(0.2, 1 - 0.6 * Math.abs(k - mid) / spread);
        }
      }
      i = j;
    }
    // Bone-only metastases elsewhere: grade 0 with marrow replaced.
    if (rnd.nextDouble() < 0.5) {
      int len = 2 + rnd.nextInt(4);
      int at = rnd.nextInt(Math.max(1, n - len));
      for (int k = at; k < Math.min(n, at + len); k++) {
        if (grades[k] == Grade.G0 && bone[k] == 0) {
          bone[k] = 0.4 + 0.5 * rnd.nextDouble();
          dir[k] = Direction.ANTERIOR;
        }
      }
    }
  }

  public long seed() {
    return seed;
  }

  public int index() {
    return index;
  }

  public Style style() {
    return style;
  }

  public Scanner scanner() {
    return scanner;
  }

  public Protocol protocol() {
    return protocol;
  }

  public SliceModel.Habitus habitus() {
    return habitus;
  }

  public Acquisition.Artefacts artefacts() {
    return artefacts;
  }

  public List<Slice> slices() {
    return slices;
  }

  /** The randomized style's draws, or null for the internal and external styles. */
  public Randomization randomization() {
    return randomization;
  }

  /** The geometry of axial slice {@code i}. */
  public SliceModel model(int i) {
    if (randomization != null) {
      return randomization.model(this, i);
    }
    Slice s = slices.get(i);
    return new SliceModel(s.along(), habitus, s.disease());
  }
}
