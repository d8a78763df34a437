package io.cordwatch.phantom;

import io.cordwatch.dicom.DataSetWriter;
import io.cordwatch.dicom.Uids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Writes one planned study as DICOM: the axial T2 series (graded, with a LabelImg XML per slice), a
 * midline sagittal T2 and an axial T1 (never graded, there to exercise series selection). Classic
 * MR Image Storage writes one file per slice; Enhanced MR Image Storage one multi-frame file per
 * series, with the geometry in shared and per-frame functional groups.
 *
 * <p>All series are rendered first, then written in either form from the same frames, so the two
 * forms carry identical pixels. Headers carry every module the IOD asks for, with a placeholder
 * phantom identity; the image plane follows the slice geometry (LPS axial orientation, positions
 * stepping caudally by the slice thickness). UIDs are name-based UUIDs of (seed, study, series,
 * instance) under the 2.25 root, so a seed always reproduces the same bytes.
 */
public final class PhantomWriter {
  private static final double[] AXIAL = {1, 0, 0, 0, 1, 0};
  private static final double[] SAGITTAL = {0, 1, 0, 0, 0, -1};

  private PhantomWriter() {}

  /**
   * One written, graded axial slice.
   *
   * @param file the DICOM file holding it
   * @param frame its frame number in that file (1 for classic files)
   * @param studyUid Study Instance UID
   * @param sopUid SOP Instance UID
   * @param findings what the grader measured, with the grade
   * @param image the rendered slice (pixels, classes, canal box)
   * @param level the vertebral level name
   */
  public record Written(
      Path file,
      int frame,
      String studyUid,
      String sopUid,
      BilskyGrader.Findings findings,
      Acquisition.Image image,
      String level) {}

  /** One rendered frame and where it lies. */
  private record Frame(Acquisition.Image image, double[] position, double location) {}

  /** One series to write. */
  private record Series(
      int number,
      String name,
      String description,
      Acquisition.Weighting weighting,
      double repetitionTime,
      double echoTime,
      int echoTrain,
      double spacing,
      double thickness,
      double[] orientation,
      List<Frame> frames) {}

  /** Writes {@code plan} into {@code dir} and returns its graded slices in order. */
  public static List<Written> write(StudyPlan plan, Path dir, boolean enhanced) throws IOException {
    Files.createDirectories(dir);
    RandomGenerator noise = StudyPlan.random(plan.seed(), plan.index(), 2);
    StudyPlan.Protocol p = plan.protocol();
    double fov = p.matrix() * p.spacing();
    List<Frame> axial = new ArrayList<>();
    List<BilskyGrader.Findings> findings = new ArrayList<>();
    List<String> levels = new ArrayList<>();
    for (int i = 0; i < plan.slices().size(); i++) {
      StudyPlan.Slice s = plan.slices().get(i);
      SliceModel model = plan.model(i);
      findings.add(BilskyGrader.grade(model));
      levels.add(model.position().name());
      Acquisition.Image img =
          plan.randomization() != null
              ? plan.randomization().render(plan, i, Acquisition.Weighting.T2, noise)
              : Acquisition.render(
                  model,
                  p.matrix(),
                  p.spacing(),
                  s.pose(),
                  plan.scanner(),
                  plan.artefacts(),
                  Acquisition.Contrast.of(Acquisition.Weighting.T2),
                  null,
                  noise);
      axial.add(axialFrame(img, s.along(), fov, p.spacing()));
    }
    Series t2 =
        new Series(
            1,
            "ax-t2",
            "AX T2 FSE",
            Acquisition.Weighting.T2,
            p.repetitionTime(),
            p.echoTime(),
            p.echoTrain(),
            p.spacing(),
            p.thickness(),
            AXIAL,
            axial);
    List<Series> all = List.of(t2, sagittal(plan, noise), axialT1(plan, noise));

    String study = uid(plan, "study");
    List<Written> out = new ArrayList<>();
    for (Series series : all) {
      if (enhanced) {
        Path file = dir.resolve(series.name() + ".dcm");
        String sop = uid(plan, "series-" + series.number() + "-enhanced");
        enhanced(plan, study, series, sop).write(file);
        if (series == t2) {
          for (int i = 0; i < axial.size(); i++) {
            out.add(
                new Written(
                    file, i + 1, study, sop, findings.get(i), axial.get(i).image(), levels.get(i)));
          }
        }
      } else {
        for (int i = 0; i < series.frames().size(); i++) {
          Path file = dir.resolve(String.format("%s-%04d.dcm", series.name(), i + 1));
          String sop = uid(plan, "series-" + series.number() + "-" + (i + 1));
          classic(plan, study, series, i, sop).write(file);
          if (series == t2) {
            out.add(
                new Written(
                    file, 1, study, sop, findings.get(i), axial.get(i).image(), levels.get(i)));
          }
        }
      }
    }
    for (int i = 0; i < out.size(); i++) {
      Written w = out.get(i);
      Acquisition.Image img = w.image();
      if (img.x0() >= 0) {
        Files.writeString(
            dir.resolve(String.format("ax-t2-%04d.xml", i + 1)),
            VocXml.of(
                w.file(),
                enhanced ? w.frame() : 0,
                img.size(),
                w.findings().grade().label(),
                img.x0(),
                img.y0(),
                img.x1(),
                img.y1()),
            StandardCharsets.UTF_8);
      }
    }
    return out;
  }

  private static Frame axialFrame(Acquisition.Image img, double along, double fov, double spacing) {
    double z = round(-along);
    double corner = -fov / 2 + spacing / 2;
    return new Frame(img, new double[] {round(corner), round(corner), z}, z);
  }

  private static Series sagittal(StudyPlan plan, RandomGenerator noise) {
    int size = 320;
    double spacing = 0.9;
    double fov = size * spacing;
    double mid = plan.slices().get(plan.slices().size() / 2).along();
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      double lateral = (i - 1) * 3.0;
      // Columns run posteriorly (patient y), rows caudally; the canal sits a little left of centre.
      Acquisition.Classifier sag = (x, y) -> Sagittal.classify(x + 15, mid + y, plan.habitus());
      Acquisition.Image img =
          Acquisition.render(
              sag,
              size,
              spacing,
              new Acquisition.Pose(0, 0, 0),
              plan.scanner(),
              new Acquisition.Artefacts(0, 0.3, 0, false, false),
              Acquisition.Contrast.of(Acquisition.Weighting.T2),
              null,
              noise);
      double[] pos = {
        lateral, round(-fov / 2 + spacing / 2 + 15), round(-mid + fov / 2 - spacing / 2)
      };
      frames.add(new Frame(img, pos, lateral));
    }
    return new Series(
        2,
        "sag-t2",
        "SAG T2 FSE",
        Acquisition.Weighting.T2,
        3500,
        100,
        20,
        spacing,
        3,
        SAGITTAL,
        frames);
  }

  private static Series axialT1(StudyPlan plan, RandomGenerator noise) {
    StudyPlan.Protocol p = plan.protocol();
    int n = plan.slices().size();
    double fov = p.matrix() * p.spacing();
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < Math.min(3, n); i++) {
      int at = Math.clamp(n / 2 + i - 1, 0, n - 1);
      StudyPlan.Slice s = plan.slices().get(at);
      Acquisition.Image img =
          plan.randomization() != null
              ? plan.randomization().render(plan, at, Acquisition.Weighting.T1, noise)
              : Acquisition.render(
                  plan.model(at),
                  p.matrix(),
                  p.spacing(),
                  s.pose(),
                  plan.scanner(),
                  new Acquisition.Artefacts(plan.artefacts().biasSlope(), 0.4, 0, false, false),
                  Acquisition.Contrast.of(Acquisition.Weighting.T1),
                  null,
                  noise);
      frames.add(axialFrame(img, s.along(), fov, p.spacing()));
    }
    return new Series(
        3,
        "ax-t1",
        "AX T1 SE",
        Acquisition.Weighting.T1,
        600,
        12,
        1,
        p.spacing(),
        p.thickness(),
        AXIAL,
        frames);
  }

  /** Classic MR Image: one file per frame. */
  private static DataSetWriter classic(
      StudyPlan plan, String study, Series series, int index, String sop) {
    Frame f = series.frames().get(index);
    boolean fse = series.echoTrain() > 1;
    DataSetWriter ds = common(plan, study, series, sop, index + 1, f.image());
    return ds.put(0x00080016, Uids.MR_IMAGE_STORAGE)
        .put(0x00080008, "ORIGINAL", "PRIMARY", "OTHER")
        .put(0x00080033, String.format("12%02d%02d", series.number(), (index + 1) % 60))
        .put(0x00180020, "SE")
        .put(0x00180021, fse ? new String[] {"SK", "OSP"} : new String[] {"NONE"})
        .put(0x00180022, "")
        .put(0x00180023, "2D")
        .put(0x00180024, sequenceName(plan.scanner(), fse))
        .putNumbers(0x00180080, series.repetitionTime())
        .putNumbers(0x00180081, series.echoTime())
        .putNumbers(0x00180083, 2)
        .putNumbers(0x00180084, larmor(plan.scanner()))
        .putNumbers(0x00180087, plan.scanner().fieldStrength())
        .putNumbers(0x00180091, series.echoTrain())
        .putNumbers(0x00181314, 90)
        .put(0x00181312, "ROW")
        .putNumbers(0x00280030, series.spacing(), series.spacing())
        .putNumbers(0x00180050, series.thickness())
        .putNumbers(0x00180088, series.thickness())
        .putNumbers(0x00200037, series.orientation())
        .putNumbers(0x00200032, f.position())
        .putNumbers(0x00201041, f.location())
        .putNumbers(0x00281050, Math.round(window(f.image()) * 0.45))
        .putNumbers(0x00281051, Math.round(window(f.image()) * 0.9))
        .pixels(f.image().pixels());
  }

  /**
   * Enhanced MR Image: one multi-frame file per series. Everything common to the frames sits in the
   * shared functional groups; each frame carries only its position and its place in the one
   * dimension (position along the stack).
   */
  private static DataSetWriter enhanced(StudyPlan plan, String study, Series series, String sop) {
    List<Frame> frames = series.frames();
    Acquisition.Image first = frames.getFirst().image();
    Scanner sc = plan.scanner();
    boolean fse = series.echoTrain() > 1;
    String contrast = series.weighting() == Acquisition.Weighting.T2 ? "T2" : "T1";
    DataSetWriter ds = common(plan, study, series, sop, 1, first);
    ds.put(0x00080016, Uids.ENHANCED_MR_IMAGE_STORAGE)
        .put(0x00080008, "ORIGINAL", "PRIMARY", "VOLUME", "NONE")
        .put(0x0008002A, "20260101120000")
        .putNumbers(0x00189073, 180)
        .put(0x00189174, "IEC")
        .put(0x00189004, "PRODUCT")
        .put(0x00189100, "1H")
        .put(0x00189064, "NONE")
        .putNumbers(0x00180087, sc.fieldStrength())
        .put(0x00080033, String.format("12%02d00", series.number()))
        .putNumbers(0x00280008, frames.size())
        .put(0x00089205, "MONOCHROME")
        .put(0x00089206, "VOLUME")
        .put(0x00089207, "NONE")
        .put(0x00089208, "MAGNITUDE")
        .put(0x00089209, contrast)
        .put(0x00280301, "NO")
        .put(0x00282110, "00")
        .put(0x20500020, "IDENTITY")
        .emptySequence(0x00400555)
        // MR Pulse Sequence module
        .put(0x00189005, sequenceName(sc, fse))
        .put(0x00180023, "2D")
        .put(0x00189008, "SPIN")
        .put(0x00189011, fse ? "YES" : "NO")
        .put(0x00189012, "YES")
        .put(0x00189014, "NO")
        .put(0x00189015, "NO")
        .put(0x00189017, "NONE")
        .put(0x00189018, "NO")
        .put(0x00189024, "NO")
        .put(0x00189025, "NONE")
        .put(0x00189029, "NONE")
        .put(0x00189032, "RECTILINEAR")
        .put(0x00189034, "LINEAR")
        .put(0x00189033, fse ? "PARTIAL" : "SINGLE")
        .putNumbers(0x00189093, 1);
    String dimensions = uid(plan, "series-" + series.number() + "-dimensions");
    ds.item(0x00209221).put(0x00209164, dimensions);
    ds.item(0x00209222)
        .put(0x00209164, dimensions)
        .putTags(0x00209165, 0x00200032)
        .putTags(0x00209167, 0x00209113)
        .put(0x00209421, "Image Position");

    DataSetWriter shared = ds.item(0x52009229);
    shared
        .item(0x00289110)
        .putNumbers(0x00280030, series.spacing(), series.spacing())
        .putNumbers(0x00180050, series.thickness())
        .putNumbers(0x00180088, series.thickness());
    shared.item(0x00209116).putNumbers(0x00200037, series.orientation());
    DataSetWriter timing = shared.item(0x00189112);
    timing
        .putNumbers(0x00180080, series.repetitionTime())
        .putNumbers(0x00181314, 90)
        .putNumbers(0x00180091, series.echoTrain())
        .putNumbers(0x00189240, series.echoTrain())
        .putNumbers(0x00189241, 0)
        .put(0x00189180, "DB_DT")
        .putNumbers(0x00189182, 30);
    timing.item(0x00189239).put(0x00189179, "IEC_WHOLE_BODY").putNumbers(0x00189181, 1.2);
    timing.item(0x00189176).put(0x00189177, "GRADIENT").put(0x00189178, "IEC_NORMAL");
    timing.item(0x00189176).put(0x00189177, "RF").put(0x00189178, "IEC_NORMAL");
    shared
        .item(0x00289145)
        .putNumbers(0x00281052, 0)
        .putNumbers(0x00281053, 1)
        .put(0x00281054, "US");
    shared
        .item(0x00189125)
        .put(0x00181312, "ROW")
        .putNumbers(0x00189058, first.size())
        .putNumbers(0x00189231, first.size())
        .putNumbers(0x00180093, 100)
        .putNumbers(0x00180094, 100);
    shared.item(0x00189114).putNumbers(0x00189082, series.echoTime());
    shared
        .item(0x00189115)
        .put(0x00189009, "NO")
        .put(0x00189010, "NONE")
        .put(0x00189021, "NO")
        .put(0x00189026, "NONE")
        .put(0x00189027, "NONE")
        .put(0x00189081, "NO")
        .put(0x00189077, "NO");
    shared
        .item(0x00189006)
        .put(0x00189020, "NONE")
        .put(0x00189022, "NO")
        .put(0x00189028, "NONE")
        .putNumbers(0x00189098, larmor(sc))
        .putNumbers(0x00180095, 200);
    shared
        .item(0x00189042)
        .put(0x00181250, "SPINE")
        .put(0x00189041, sc.manufacturer())
        .put(0x00189043, "SURFACE")
        .put(0x00189044, "NO");
    shared
        .item(0x00189049)
        .put(0x00181251, "BODY")
        .put(0x00189050, sc.manufacturer())
        .put(0x00189051, "BODY");
    shared.item(0x00189119).putNumbers(0x00180083, 2);
    DataSetWriter anatomy = shared.item(0x00209071);
    anatomy.put(0x00209072, "U");
    anatomy
        .item(0x00082218)
        .put(0x00080100, "122495006")
        .put(0x00080102, "SCT")
        .put(0x00080104, "Thoracic spine");
    shared
        .item(0x00189226)
        .put(0x00089007, "ORIGINAL", "PRIMARY", "VOLUME", "NONE")
        .put(0x00089205, "MONOCHROME")
        .put(0x00089206, "VOLUME")
        .put(0x00089207, "NONE")
        .put(0x00089208, "MAGNITUDE")
        .put(0x00089209, contrast);
    int window = 1;
    for (Frame f : frames) {
      window = Math.max(window, window(f.image()));
    }
    shared
        .item(0x00289132)
        .putNumbers(0x00281050, Math.round(window * 0.45))
        .putNumbers(0x00281051, Math.round(window * 0.9));

    int size = first.size();
    short[] pixels = new short[frames.size() * size * size];
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      DataSetWriter per = ds.item(0x52009230);
      String time = String.format(Locale.ROOT, "20260101120%d%02d", series.number(), i % 60);
      per.item(0x00209111)
          .put(0x00189074, time)
          .put(0x00189151, time)
          .putNumbers(0x00189220, 4000)
          .putNumbers(0x00209157, i + 1)
          .put(0x00209056, "1")
          .putNumbers(0x00209057, i + 1);
      per.item(0x00209113).putNumbers(0x00200032, f.position());
      System.arraycopy(f.image().pixels(), 0, pixels, i * size * size, size * size);
    }
    return ds.pixels(pixels);
  }

  /** Patient, study, series, equipment, frame of reference and image pixel modules. */
  private static DataSetWriter common(
      StudyPlan plan,
      String study,
      Series series,
      String sop,
      int instance,
      Acquisition.Image img) {
    Scanner sc = plan.scanner();
    return new DataSetWriter()
        .put(0x00080005, "ISO_IR 100")
        .put(0x00080018, sop)
        .put(0x00080020, "20260101")
        .put(0x00080021, "20260101")
        .put(0x00080023, "20260101")
        .put(0x00080030, "120000")
        .put(0x00080031, String.format("12%02d00", series.number()))
        .put(0x00080050, "")
        .put(0x00080060, "MR")
        .put(0x00080070, sc.manufacturer())
        .put(0x00080080, "CordWatch Phantom Hospital")
        .put(0x00080090, "")
        .put(0x0008103E, series.description())
        .put(0x00081090, sc.model())
        .put(0x00100010, "PHANTOM^CORDWATCH")
        .put(0x00100020, String.format("PHANTOM-%d-%04d", plan.seed(), plan.index() + 1))
        .put(0x00100030, "")
        .put(0x00100040, "O")
        .put(0x00180015, "TSPINE")
        .put(0x00181000, "PHANTOM" + Math.floorMod(sc.model().hashCode(), 100000))
        .put(0x00181020, sc.software())
        .put(0x00181030, "T-SPINE MESCC")
        .put(0x00185100, "FFS")
        .put(0x0020000D, study)
        .put(0x0020000E, uid(plan, "series-" + series.number()))
        .put(0x00200010, String.format("%d", plan.index() + 1))
        .putNumbers(0x00200011, series.number())
        .putNumbers(0x00200013, instance)
        .put(0x00200052, uid(plan, "frame"))
        .put(0x00201040, "")
        .putNumbers(0x00280002, 1)
        .put(0x00280004, "MONOCHROME2")
        .putNumbers(0x00280010, img.size())
        .putNumbers(0x00280011, img.size())
        .putNumbers(0x00280100, 16)
        .putNumbers(0x00280101, 12)
        .putNumbers(0x00280102, 11)
        .putNumbers(0x00280103, 0);
  }

  private static int window(Acquisition.Image img) {
    return Math.max(2, img.maxValue());
  }

  private static double larmor(Scanner sc) {
    return Math.round(sc.fieldStrength() * 42.577478 * 1000) / 1000.0;
  }

  /** What each vendor calls the sequence in Sequence Name / Pulse Sequence Name. */
  private static String sequenceName(Scanner sc, boolean fse) {
    return switch (sc.manufacturer()) {
      case "SIEMENS" -> fse ? "*tse2d1_17" : "*se2d1";
      case "Philips Medical Systems" -> fse ? "TSE" : "SE";
      default -> fse ? "fse-xl" : "se";
    };
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** A UID derived from the seed, the study index and a name, under the UUID root 2.25. */
  static String uid(StudyPlan plan, String name) {
    return Uids.named("cordwatch-phantom/" + plan.seed() + "/" + plan.index() + "/" + name);
  }
}
