package io.cordwatch.phantom;

import io.cordwatch.dicom.DataSetWriter;
import io.cordwatch.dicom.Uids;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Writes one planned study as DICOM MR Image Storage files: the axial T2 series (graded, with a
 * LabelImg XML beside each slice), a midline sagittal T2 and an axial T1 (never graded, there to
 * exercise series selection).
 *
 * <p>Headers carry every module the MR Image IOD asks for, with a placeholder phantom identity; the
 * image plane is consistent with the slice geometry (LPS axial orientation, positions stepping
 * caudally by the slice thickness). UIDs are name-based UUIDs of (seed, study, series, instance)
 * under the 2.25 root, so a seed always reproduces the same bytes.
 */
public final class PhantomWriter {
  private PhantomWriter() {}

  /**
   * One written, graded axial slice.
   *
   * @param file the DICOM file
   * @param studyUid Study Instance UID
   * @param sopUid SOP Instance UID
   * @param findings what the grader measured, with the grade
   * @param image the rendered slice (pixels, classes, canal box)
   * @param level the vertebral level name
   */
  public record Written(
      Path file,
      String studyUid,
      String sopUid,
      BilskyGrader.Findings findings,
      Acquisition.Image image,
      String level) {}

  /** Writes {@code plan} into {@code dir} and returns its graded slices in order. */
  public static List<Written> write(StudyPlan plan, Path dir) throws IOException {
    Files.createDirectories(dir);
    String study = uid(plan, "study");
    String frame = uid(plan, "frame");
    StudyPlan.Protocol p = plan.protocol();
    RandomGenerator noise = StudyPlan.random(plan.seed(), plan.index(), 2);
    List<Written> out = new ArrayList<>();
    double fov = p.matrix() * p.spacing();
    String axialUid = uid(plan, "series-1");
    for (int i = 0; i < plan.slices().size(); i++) {
      StudyPlan.Slice s = plan.slices().get(i);
      SliceModel model = plan.model(i);
      BilskyGrader.Findings f = BilskyGrader.grade(model);
      Acquisition.Image img =
          Acquisition.render(
              model,
              p.matrix(),
              p.spacing(),
              s.pose(),
              plan.scanner(),
              plan.artefacts(),
              Acquisition.Weighting.T2,
              noise);
      String sop = uid(plan, "series-1-" + (i + 1));
      DataSetWriter ds =
          header(plan, study, frame, axialUid, 1, "AX T2 FSE", sop, i + 1, p, img, fov)
              .put(0x00180020, "SE")
              .put(0x00180021, "SK", "OSP")
              .put(0x00180022, "")
              .put(0x00180024, sequenceName(plan.scanner()))
              .putNumbers(0x00180080, p.repetitionTime())
              .putNumbers(0x00180081, p.echoTime())
              .putNumbers(0x00180091, p.echoTrain());
      axialPlane(ds, plan, s.along(), p.thickness(), fov, p.spacing());
      Path file = dir.resolve(String.format("ax-t2-%04d.dcm", i + 1));
      ds.pixels(img.pixels()).write(file);
      String level = model.position().name();
      out.add(new Written(file, study, sop, f, img, level));
      if (img.x0() >= 0) {
        Files.writeString(
            dir.resolve(String.format("ax-t2-%04d.xml", i + 1)),
            VocXml.of(file, img.size(), f.grade().label(), img.x0(), img.y0(), img.x1(), img.y1()),
            StandardCharsets.UTF_8);
      }
    }
    writeSagittal(plan, dir, study, frame, noise);
    writeAxialT1(plan, dir, study, frame, noise);
    return out;
  }

  private static void writeSagittal(
      StudyPlan plan, Path dir, String study, String frame, RandomGenerator noise)
      throws IOException {
    StudyPlan.Protocol p = plan.protocol();
    int size = 320;
    double spacing = 0.9;
    double fov = size * spacing;
    double mid = plan.slices().get(plan.slices().size() / 2).along();
    String series = uid(plan, "series-2");
    for (int i = 0; i < 3; i++) {
      double lateral = (i - 1) * 3.0;
      // Image rows run posteriorly (patient y), columns caudally; the canal sits left of centre.
      Acquisition.Classifier sag = (x, y) -> Sagittal.classify(x + 15, mid + y, plan.habitus());
      Acquisition.Image img =
          Acquisition.render(
              sag,
              size,
              spacing,
              new Acquisition.Pose(0, 0, 0),
              plan.scanner(),
              new Acquisition.Artefacts(0, 0.3, 0, false, false),
              Acquisition.Weighting.T2,
              noise);
      String sop = uid(plan, "series-2-" + (i + 1));
      DataSetWriter ds =
          header(plan, study, frame, series, 2, "SAG T2 FSE", sop, i + 1, p, img, fov)
              .put(0x00180020, "SE")
              .put(0x00180021, "SK", "OSP")
              .put(0x00180022, "")
              .putNumbers(0x00180080, 3500)
              .putNumbers(0x00180081, 100)
              .putNumbers(0x00180091, 20)
              .putNumbers(0x00280030, spacing, spacing)
              .putNumbers(0x00180050, 3)
              .putNumbers(0x00180088, 3)
              .putNumbers(0x00200037, 0, 1, 0, 0, 0, -1)
              .putNumbers(
                  0x00200032,
                  lateral,
                  -fov / 2 + spacing / 2 + 29,
                  round(-mid + fov / 2 - spacing / 2))
              .putNumbers(0x00201041, lateral);
      ds.pixels(img.pixels()).write(dir.resolve(String.format("sag-t2-%04d.dcm", i + 1)));
    }
  }

  /** What each vendor calls a 2D turbo/fast spin echo in Sequence Name. */
  private static String sequenceName(Scanner sc) {
    return switch (sc.manufacturer()) {
      case "SIEMENS" -> "*tse2d1_17";
      case "Philips Medical Systems" -> "TSE";
      default -> "fse-xl";
    };
  }

  private static void writeAxialT1(
      StudyPlan plan, Path dir, String study, String frame, RandomGenerator noise)
      throws IOException {
    StudyPlan.Protocol p = plan.protocol();
    String series = uid(plan, "series-3");
    int n = plan.slices().size();
    double fov = p.matrix() * p.spacing();
    for (int i = 0; i < 3; i++) {
      int at = Math.min(n - 1, n / 2 + i - 1 < 0 ? 0 : n / 2 + i - 1);
      StudyPlan.Slice s = plan.slices().get(at);
      Acquisition.Image img =
          Acquisition.render(
              plan.model(at),
              p.matrix(),
              p.spacing(),
              s.pose(),
              plan.scanner(),
              new Acquisition.Artefacts(plan.artefacts().biasSlope(), 0.4, 0, false, false),
              Acquisition.Weighting.T1,
              noise);
      String sop = uid(plan, "series-3-" + (i + 1));
      DataSetWriter ds =
          header(plan, study, frame, series, 3, "AX T1 SE", sop, i + 1, p, img, fov)
              .put(0x00180020, "SE")
              .put(0x00180021, "NONE")
              .put(0x00180022, "")
              .putNumbers(0x00180080, 600)
              .putNumbers(0x00180081, 12)
              .putNumbers(0x00180091, 1);
      axialPlane(ds, plan, s.along(), p.thickness(), fov, p.spacing());
      ds.pixels(img.pixels()).write(dir.resolve(String.format("ax-t1-%04d.dcm", i + 1)));
    }
  }

  /** Patient, study, series, equipment, frame of reference, image and MR modules. */
  private static DataSetWriter header(
      StudyPlan plan,
      String study,
      String frame,
      String series,
      int seriesNumber,
      String description,
      String sop,
      int instance,
      StudyPlan.Protocol p,
      Acquisition.Image img,
      double fov) {
    Scanner sc = plan.scanner();
    int window = Math.max(2, img.maxValue());
    return new DataSetWriter()
        .put(0x00080005, "ISO_IR 100")
        .put(0x00080008, "ORIGINAL", "PRIMARY", "OTHER")
        .put(0x00080016, Uids.MR_IMAGE_STORAGE)
        .put(0x00080018, sop)
        .put(0x00080020, "20260101")
        .put(0x00080021, "20260101")
        .put(0x00080023, "20260101")
        .put(0x00080030, "120000")
        .put(0x00080031, String.format("12%02d00", seriesNumber))
        .put(0x00080033, String.format("12%02d%02d", seriesNumber, instance % 60))
        .put(0x00080050, "")
        .put(0x00080060, "MR")
        .put(0x00080070, sc.manufacturer())
        .put(0x00080080, "CordWatch Phantom Hospital")
        .put(0x00080090, "")
        .put(0x0008103E, description)
        .put(0x00081090, sc.model())
        .put(0x00100010, "PHANTOM^CORDWATCH")
        .put(0x00100020, String.format("PHANTOM-%d-%04d", plan.seed(), plan.index() + 1))
        .put(0x00100030, "")
        .put(0x00100040, "O")
        .put(0x00180015, "TSPINE")
        .put(0x00180023, "2D")
        .putNumbers(0x00180083, 2)
        .putNumbers(0x00180084, Math.round(sc.fieldStrength() * 42.577478 * 1000) / 1000.0)
        .putNumbers(0x00180087, sc.fieldStrength())
        .put(0x00181020, sc.software())
        .put(0x00181030, "T-SPINE MESCC")
        .putNumbers(0x00181314, 90)
        .put(0x00181312, "ROW")
        .put(0x00185100, "FFS")
        .put(0x0020000D, study)
        .put(0x0020000E, series)
        .put(0x00200010, String.format("%d", plan.index() + 1))
        .putNumbers(0x00200011, seriesNumber)
        .putNumbers(0x00200013, instance)
        .put(0x00200052, frame)
        .put(0x00201040, "")
        .putNumbers(0x00280002, 1)
        .put(0x00280004, "MONOCHROME2")
        .putNumbers(0x00280010, img.size())
        .putNumbers(0x00280011, img.size())
        .putNumbers(0x00280100, 16)
        .putNumbers(0x00280101, 12)
        .putNumbers(0x00280102, 11)
        .putNumbers(0x00280103, 0)
        .putNumbers(0x00281050, Math.round(window * 0.45))
        .putNumbers(0x00281051, Math.round(window * 0.9));
  }

  /**
   * Axial LPS orientation; the first pixel's centre at the image's top left; slices step caudally
   * (decreasing z) by the slice thickness, contiguous.
   */
  private static void axialPlane(
      DataSetWriter ds,
      StudyPlan plan,
      double along,
      double thickness,
      double fov,
      double spacing) {
    double z = -along;
    ds.putNumbers(0x00280030, spacing, spacing)
        .putNumbers(0x00180050, thickness)
        .putNumbers(0x00180088, thickness)
        .putNumbers(0x00200037, 1, 0, 0, 0, 1, 0)
        .putNumbers(0x00200032, -fov / 2 + spacing / 2, -fov / 2 + spacing / 2, round(z))
        .putNumbers(0x00201041, round(z));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** A UID derived from the seed, the study index and a name, under the UUID root 2.25. */
  static String uid(StudyPlan plan, String name) {
    UUID u =
        UUID.nameUUIDFromBytes(
            ("cordwatch-phantom/" + plan.seed() + "/" + plan.index() + "/" + name)
                .getBytes(StandardCharsets.UTF_8));
    byte[] b = new byte[16];
    long hi = u.getMostSignificantBits();
    long lo = u.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return "2.25." + new BigInteger(1, b);
  }
}
