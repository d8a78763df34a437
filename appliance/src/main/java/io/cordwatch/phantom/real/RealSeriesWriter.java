package io.cordwatch.phantom.real;

import io.cordwatch.dicom.DataSetWriter;
import io.cordwatch.dicom.Uids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one axial series of real (or lesion-inserted real) slices as classic MR Image Storage
 * files, one per slice, 16-bit unsigned with 12 bits stored, through {@link DataSetWriter}. The
 * identity is a placeholder ({@code PHANTOM^CORDWATCH}); the geometry is the slice's own (Image
 * Position and Orientation from the NIfTI affine); the acquisition fields are the source's
 * plausible values ({@link RealSource}).
 */
final class RealSeriesWriter {
  private RealSeriesWriter() {}

  /**
   * What names one series.
   *
   * @param seed the run's seed (UIDs)
   * @param name the study's unique name within the run (UIDs, Patient ID)
   * @param source the real volume
   * @param description Series Description
   * @param number Series Number
   * @param thickness slice thickness (mm)
   */
  record Series(
      long seed, String name, RealSource source, String description, int number, double thickness) {
    String studyUid() {
      return RealUids.of(seed, name + "/study");
    }
  }

  /** The file of the {@code i}-th (0-based) slice of a series written into {@code dir}. */
  static Path file(Path dir, int i) {
    return dir.resolve(String.format("IM-%04d.dcm", i + 1));
  }

  /** Writes {@code slices} (pixel values already 0..4095) into {@code dir}; returns SOP UIDs. */
  static List<String> write(Series s, List<AxialSlice> slices, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> sops = new ArrayList<>();
    for (int i = 0; i < slices.size(); i++) {
      AxialSlice a = slices.get(i);
      String sop = RealUids.of(s.seed(), s.name() + "/series-" + s.number() + "/" + (i + 1));
      short[] px = new short[a.pixels().length];
      int max = 1;
      for (int k = 0; k < px.length; k++) {
        int v = Math.clamp(Math.round(a.pixels()[k]), 0, 4095);
        px[k] = (short) v;
        max = Math.max(max, v);
      }
      RealSource src = s.source();
      boolean gre = src.scanningSequence().equals("GR");
      new DataSetWriter()
          .put(0x00080005, "ISO_IR 100")
          .put(0x00080008, "DERIVED", "SECONDARY", "OTHER")
          .put(0x00080016, Uids.MR_IMAGE_STORAGE)
          .put(0x00080018, sop)
          .put(0x00080020, "20260101")
          .put(0x00080021, "20260101")
          .put(0x00080023, "20260101")
          .put(0x00080030, "120000")
          .put(0x00080031, String.format("12%02d00", s.number()))
          .put(0x00080033, String.format("12%02d%02d", s.number(), (i + 1) % 60))
          .put(0x00080050, "")
          .put(0x00080060, "MR")
          .put(0x00080070, "CordWatch real-spine fixture")
          .put(0x00080080, "CordWatch Phantom Hospital")
          .put(0x00080090, "")
          .put(0x0008103E, s.description())
          .put(0x00100010, "PHANTOM^CORDWATCH")
          .put(0x00100020, "REAL-" + s.seed() + "-" + s.name())
          .put(0x00100030, "")
          .put(0x00100040, "O")
          .put(0x00180015, src.bodyPart())
          .put(0x00180020, src.scanningSequence())
          .put(0x00180021, gre ? new String[] {"SP"} : new String[] {"SK", "OSP"})
          .put(0x00180022, "")
          .put(0x00180023, gre ? "2D" : "3D")
          .putNumbers(0x00180050, s.thickness())
          .putNumbers(0x00180080, src.repetitionTime())
          .putNumbers(0x00180081, src.echoTime())
          .putNumbers(0x00180083, 1)
          .putNumbers(0x00180087, 3)
          .putNumbers(0x00180088, s.thickness())
          .putNumbers(0x00181314, gre ? 30 : 90)
          .put(0x00181030, src.id())
          .put(0x00185100, "HFS")
          .put(0x0020000D, s.studyUid())
          .put(0x0020000E, RealUids.of(s.seed(), s.name() + "/series-" + s.number()))
          .put(0x00200010, s.name().length() > 16 ? s.name().substring(0, 16) : s.name())
          .putNumbers(0x00200011, s.number())
          .putNumbers(0x00200013, i + 1)
          .putNumbers(0x00200032, a.position())
          .putNumbers(0x00200037, concat(a.rowDir(), a.colDir()))
          .put(0x00200052, RealUids.of(s.seed(), s.name() + "/frame"))
          .put(0x00201040, "")
          .putNumbers(0x00201041, round(a.location()))
          .putNumbers(0x00280002, 1)
          .put(0x00280004, "MONOCHROME2")
          .putNumbers(0x00280010, a.height())
          .putNumbers(0x00280011, a.width())
          .putNumbers(0x00280030, a.spacingY(), a.spacingX())
          .putNumbers(0x00280100, 16)
          .putNumbers(0x00280101, 12)
          .putNumbers(0x00280102, 11)
          .putNumbers(0x00280103, 0)
          .putNumbers(0x00281050, Math.round(max * 0.45))
          .putNumbers(0x00281051, Math.round(max * 0.9))
          .pixels(px)
          .write(file(dir, i));
      sops.add(sop);
    }
    return sops;
  }

  private static double[] concat(double[] a, double[] b) {
    return new double[] {a[0], a[1], a[2], b[0], b[1], b[2]};
  }

  private static double round(double v) {
    double r = Math.round(v * 1000) / 1000.0;
    return r == 0 ? 0 : r;
  }
}
