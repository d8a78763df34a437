package io.cordwatch.phantom;

import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.phantom.Lesion.Direction;
import io.cordwatch.phantom.Lesion.SliceDisease;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The randomized style: a study whose every appearance factor is drawn at random, so that the only
 * thing that stays constant between studies is the anatomy that defines the Bilsky grades.
 *
 * <p>Per study: scanner, matrix (192-640) and pixel size (0.4-1.2 mm, field of view 180-300 mm),
 * TR/TE, per-tissue relaxation ({@link TissueContrast}), a texture field ({@link TextureField}),
 * the patient's canal ({@link AnatomyVariant}), degradations ({@link Degradation}) and whether the
 * spine is degenerative (disc bulges and thick flava, {@link Mimics}). Per lesion: its tumour look
 * and texture, direction and a peak severity drawn continuously over 0-5, with a smooth profile
 * along the spine, so severities cross every stage boundary and borderline slices are common. A
 * quarter of studies have no lesion at all, and a study's worst slice can be any grade.
 *
 * <p>Every draw comes from {@link FactorRange}: with a held-out factor, that family is drawn from
 * its hold-out ranges instead of its training ranges.
 */
public final class Randomization {
  private static final Scanner[] SCANNERS = {
    Scanner.GE_15,
    Scanner.GE_30,
    Scanner.SIEMENS_15,
    Scanner.SIEMENS_30,
    Scanner.SIEMENS_AVANTO,
    Scanner.GE_OPTIMA,
    Scanner.PHILIPS_30
  };

  private final FactorRange.Factor heldOut;
  private final TissueContrast contrast;
  private final TextureField texture;
  private final AnatomyVariant anatomy;
  private final Degradation degradation;
  private final Mimics.Spec[] mimics;
  private final TissueContrast.TumourLook[] looks;
  private final TextureField[] tumourTextures;

  private Randomization(
      FactorRange.Factor heldOut,
      TissueContrast contrast,
      TextureField texture,
      AnatomyVariant anatomy,
      Degradation degradation,
      Mimics.Spec[] mimics,
      TissueContrast.TumourLook[] looks,
      TextureField[] tumourTextures) {
    this.heldOut = heldOut;
    this.contrast = contrast;
    this.texture = texture;
    this.anatomy = anatomy;
    this.degradation = degradation;
    this.mimics = mimics;
    this.looks = looks;
    this.tumourTextures = tumourTextures;
  }

  /** Plans randomized study {@code index}; {@code heldOut} may be null (training draws). */
  static StudyPlan plan(long seed, int index, int slices, FactorRange.Factor heldOut) {
    RandomGenerator rnd = StudyPlan.random(seed, index, 11);
    Scanner base = SCANNERS[rnd.nextInt(SCANNERS.length)];
    Scanner scanner =
        base.with(
            base.scale() * (0.8 + 0.4 * rnd.nextDouble()),
            FactorRange.NOISE.draw(rnd, heldOut),
            0,
            0.5);
    int matrix = 192 + 32 * rnd.nextInt(15);
    double fov = 180 + 120 * rnd.nextDouble();
    double spacing = Math.clamp(Math.round(fov / matrix * 1000) / 1000.0, 0.4, 1.2);
    StudyPlan.Protocol protocol =
        new StudyPlan.Protocol(
            matrix,
            spacing,
            3 + rnd.nextInt(5) * 0.5,
            10 * Math.round(FactorRange.REPETITION_TIME.draw(rnd, heldOut) / 10),
            Math.round(FactorRange.ECHO_TIME.draw(rnd, heldOut)),
            12 + 2 * rnd.nextInt(10));
    SliceModel.Habitus habitus = SliceModel.Habitus.draw(rnd);
    Degradation degradation = Degradation.draw(rnd, heldOut);
    Acquisition.Artefacts artefacts =
        new Acquisition.Artefacts(
            FactorRange.BIAS.draw(rnd, heldOut),
            0.3 + 0.8 * rnd.nextDouble(),
            0,
            degradation.alongRows(),
            rnd.nextDouble() < 0.5);
    TissueContrast contrast = TissueContrast.draw(rnd, heldOut);
    boolean ridged = heldOut == FactorRange.Factor.TEXTURE;
    TextureField texture =
        new TextureField(
            rnd.nextLong(),
            FactorRange.TEXTURE_SCALE.draw(rnd, heldOut),
            FactorRange.TEXTURE_AMPLITUDE.draw(rnd, heldOut),
            ridged);
    AnatomyVariant anatomy = AnatomyVariant.draw(rnd, heldOut);
    boolean degenerative = rnd.nextDouble() < 0.4;

    double length = Math.max(0, Anatomy.length() - slices * protocol.thickness());
    double start = rnd.nextDouble() * length;
    double[] sigma = new double[slices];
    java.util.Arrays.fill(sigma, -1);
    double[] bone = new double[slices];
    Direction[] dir = new Direction[slices];
    double[] bulge = new double[slices];
    TissueContrast.TumourLook studyLook = TissueContrast.drawTumour(rnd, heldOut);
    TissueContrast.TumourLook[] looks = new TissueContrast.TumourLook[slices];
    TextureField studyTumourTexture = tumourTexture(rnd, heldOut);
    TextureField[] tumourTextures = new TextureField[slices];
    java.util.Arrays.fill(looks, studyLook);
    java.util.Arrays.fill(tumourTextures, studyTumourTexture);
    boolean normal = rnd.nextDouble() < 0.25;
    int lesions = normal ? 0 : 1 + rnd.nextInt(3);
    for (int l = 0; l < lesions; l++) {
      double half = 1.5 + 5 * rnd.nextDouble();
      double centre = rnd.nextDouble() * slices;
      double peak = 0.05 + 4.95 * rnd.nextDouble();
      Direction d = Direction.values()[rnd.nextInt(Direction.values().length)];
      double b = 4 + 7 * rnd.nextDouble();
      double marrow = 0.4 + 0.6 * rnd.nextDouble();
      TissueContrast.TumourLook look = TissueContrast.drawTumour(rnd, heldOut);
      TextureField tex = tumourTexture(rnd, heldOut);
      for (int k = 0; k < slices; k++) {
        double t = Math.abs(k + 0.5 - centre) / half;
        if (t >= 1.4) {
          continue;
        }
        double s = t < 1 ? peak * (1 - t * t) : -1;
        if (s > sigma[k] || (s < 0 && sigma[k] < 0 && bone[k] == 0)) {
          sigma[k] = s;
          dir[k] = d;
          bulge[k] = b;
          bone[k] = Math.max(0.2, marrow * (1 - 0.5 * t));
          looks[k] = look;
          tumourTextures[k] = tex;
        }
      }
    }
    Mimics.Spec[] mimics = new Mimics.Spec[slices];
    for (int k = 0; k < slices; k++) {
      mimics[k] = Mimics.draw(rnd, degenerative);
    }
    StudyPlan.Drift drift = StudyPlan.Drift.draw(rnd);
    List<StudyPlan.Slice> out = new ArrayList<>(slices);
    for (int i = 0; i < slices; i++) {
      double along = start + (i + 0.5) * protocol.thickness();
      Acquisition.Pose pose = drift.at(along);
      Direction d = dir[i] == null ? Direction.ANTERIOR : dir[i];
      SliceDisease disease =
          sigma[i] >= 0 || bone[i] > 0
              ? new SliceDisease(sigma[i], d, bulge[i] == 0 ? 8 : bulge[i], bone[i])
              : SliceDisease.NONE;
      Grade planned =
          sigma[i] < 0 ? Grade.G0 : Grade.values()[Math.min(5, 1 + (int) Math.floor(sigma[i]))];
      out.add(new StudyPlan.Slice(along, pose, disease, planned));
    }
    Randomization r =
        new Randomization(
            heldOut, contrast, texture, anatomy, degradation, mimics, looks, tumourTextures);
    return new StudyPlan(
        seed, index, StudyPlan.Style.RANDOMIZED, scanner, protocol, habitus, artefacts, out, r);
  }

  private static TextureField tumourTexture(RandomGenerator rnd, FactorRange.Factor heldOut) {
    return new TextureField(
        rnd.nextLong(),
        FactorRange.TUMOUR_TEXTURE_SCALE.draw(rnd, heldOut),
        FactorRange.TUMOUR_TEXTURE_AMPLITUDE.draw(rnd, heldOut),
        heldOut == FactorRange.Factor.TEXTURE);
  }

  /** The factor family drawn from its hold-out ranges, or null. */
  public FactorRange.Factor heldOut() {
    return heldOut;
  }

  /** The study's tissue contrast. */
  public TissueContrast contrast() {
    return contrast;
  }

  /** The study's texture field. */
  public TextureField texture() {
    return texture;
  }

  /** The patient's canal. */
  public AnatomyVariant anatomy() {
    return anatomy;
  }

  /** The study's degradations. */
  public Degradation degradation() {
    return degradation;
  }

  /** The geometry of slice {@code i}. */
  SliceModel model(StudyPlan plan, int i) {
    StudyPlan.Slice s = plan.slices().get(i);
    return new SliceModel(s.along(), plan.habitus(), anatomy, mimics[i], s.disease());
  }

  /** Renders axial slice {@code i} at the axial T2's TR/TE or, for T1, at TR 600 / TE 12 ms. */
  Acquisition.Image render(
      StudyPlan plan, int i, Acquisition.Weighting weighting, RandomGenerator noise) {
    StudyPlan.Protocol p = plan.protocol();
    boolean t2 = weighting == Acquisition.Weighting.T2;
    double tr = t2 ? p.repetitionTime() : 600;
    double te = t2 ? p.echoTime() : 12;
    double[] signals = contrast.signals(tr, te);
    double tumour = looks[i].signal(tr, te);
    TextureField tumourTexture = tumourTextures[i];
    int tumourCode = Tissue.TUMOUR.ordinal();
    int csfCode = Tissue.CSF.ordinal();
    Acquisition.Signal signal =
        (t, x, y, voids) -> {
          double v = t == tumourCode ? tumour * tumourTexture.at(x, y) : signals[t];
          if (t == csfCode) {
            for (int k = 0; k < voids.length; k += 3) {
              double dx = x - voids[k];
              double dy = y - voids[k + 1];
              v *= 1 - 0.75 * Math.exp(-(dx * dx + dy * dy) / (voids[k + 2] * voids[k + 2]));
            }
          }
          return v * texture.at(x, y);
        };
    return Acquisition.render(
        model(plan, i),
        p.matrix(),
        p.spacing(),
        plan.slices().get(i).pose(),
        plan.scanner(),
        t2
            ? plan.artefacts()
            : new Acquisition.Artefacts(plan.artefacts().biasSlope(), 0.4, 0, false, false),
        new Acquisition.Contrast(signal, 1.0),
        t2 ? degradation : null,
        noise);
  }
}
