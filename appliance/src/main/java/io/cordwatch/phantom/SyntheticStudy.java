package io.cordwatch.phantom;

import io.cordwatch.dicom.DataSetWriter;
import io.cordwatch.dicom.Uids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small, fast synthetic MR studies for the receiver's tests and the ingest benchmark, where what is
 * in the pictures does not matter: an axial T2 series plus, optionally, a sagittal T2 and an axial
 * T1 that selection must skip. The pictures are simple (an oval body, a bright canal, a darker
 * cord); realistic studies with Bilsky labels come from {@link Phantom}. Patient fields are fixed
 * placeholders, never real data.
 *
 * <p>Files are written the way {@link PhantomWriter} writes them, through {@link DataSetWriter}
 * with UIDs from {@link Uids}; unlike the phantom, every call makes a new study (random UIDs), so a
 * test can send the same spec twice as two studies.
 */
public final class SyntheticStudy {
  private SyntheticStudy() {}

  /**
   * What to write.
   *
   * @param axialSlices slices in the axial T2 series
   * @param withSagittal also write a 3-slice sagittal T2
   * @param withAxialT1 also write a 3-slice axial T1
   * @param size rows and columns
   * @param seed for the noise
   */
  public record Spec(
      int axialSlices, boolean withSagittal, boolean withAxialT1, int size, long seed) {}

  /**
   * Writes one study into {@code dir} (created), one file per slice; returns the files in sending
   * order.
   */
  public static List<Path> write(Path dir, Spec spec) throws IOException {
    Files.createDirectories(dir);
    String study = Uids.random();
    Random random = new Random(spec.seed());
    List<Path> out = new ArrayList<>();
    double[] axial = {1, 0, 0, 0, 1, 0};
    out.addAll(
        series(dir, study, 1, "AX T2 TSE", axial, 100, 4000, spec.axialSlices(), spec, random));
    if (spec.withSagittal()) {
      double[] sagittal = {0, 1, 0, 0, 0, -1};
      out.addAll(series(dir, study, 2, "SAG T2 TSE", sagittal, 100, 3500, 3, spec, random));
    }
    if (spec.withAxialT1()) {
      out.addAll(series(dir, study, 3, "AX T1 SE", axial, 12, 550, 3, spec, random));
    }
    return out;
  }

  private static List<Path> series(
      Path dir,
      String study,
      int number,
      String description,
      double[] orientation,
      double te,
      double tr,
      int slices,
      Spec spec,
      Random random)
      throws IOException {
    String series = Uids.random();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      DataSetWriter ds =
          new DataSetWriter()
              .put(0x00080008, "ORIGINAL", "PRIMARY")
              .put(0x00080016, Uids.MR_IMAGE_STORAGE)
              .put(0x00080018, Uids.random())
              .put(0x00080020, "20260101")
              .put(0x00080030, "120000")
              .put(0x00080050)
              .put(0x00080060, "MR")
              .put(0x00080070, "CordWatch synthetic")
              .put(0x00080090)
              .put(0x0008103E, description)
              .put(0x00100010, "PHANTOM^SYNTHETIC")
              .put(0x00100020, "SYNTH0001")
              .put(0x00100030)
              .put(0x00100040, "O")
              .put(0x00180020, "SE")
              .put(0x00180021, "NONE")
              .put(0x00180022)
              .put(0x00180023, "2D")
              .putNumbers(0x00180050, 4)
              .putNumbers(0x00180080, tr)
              .putNumbers(0x00180081, te)
              .putNumbers(0x00180087, 1.5)
              .putNumbers(0x00180091, 16)
              .put(0x0020000D, study)
              .put(0x0020000E, series)
              .put(0x00200010, "1")
              .putNumbers(0x00200011, number)
              .putNumbers(0x00200013, i + 1)
              .putNumbers(0x00200032, position(orientation, i, spec.size()))
              .putNumbers(0x00200037, orientation)
              .put(0x00200052, study + ".1")
              .put(0x00201040)
              .putNumbers(0x00201041, i * 4.0)
              .putNumbers(0x00280002, 1)
              .put(0x00280004, "MONOCHROME2")
              .putNumbers(0x00280010, spec.size())
              .putNumbers(0x00280011, spec.size())
              .putNumbers(0x00280030, 0.7, 0.7)
              .putNumbers(0x00280100, 16)
              .putNumbers(0x00280101, 12)
              .putNumbers(0x00280102, 11)
              .putNumbers(0x00280103, 0)
              .pixels(picture(spec.size(), random, te < 50));
      Path file = dir.resolve(String.format("s%02d-%04d.dcm", number, i + 1));
      ds.write(file);
      files.add(file);
    }
    return files;
  }

  private static short[] picture(int n, Random random, boolean t1) {
    short[] px = new short[n * n];
    double c = n / 2.0;
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        double bx = (x - c) / (0.42 * n);
        double by = (y - c) / (0.30 * n);
        double canal = Math.hypot(x - c, y - c * 1.15) / (0.045 * n);
        double cord = Math.hypot((x - c) / 0.8, y - c * 1.15) / (0.025 * n);
        double v = 0;
        if (bx * bx + by * by < 1) {
          v = 700;
        }
        if (canal < 1) {
          v = t1 ? 300 : 2600;
        }
        if (cord < 1) {
          v = t1 ? 650 : 1100;
        }
        v += random.nextGaussian() * 40;
        px[y * n + x] = (short) Math.max(0, Math.min(4095, v));
      }
    }
    return px;
  }

  private static double[] position(double[] o, int i, int size) {
    double[] normal = {
      o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]
    };
    double half = size * 0.7 / 2;
    double[] p = new double[3];
    for (int k = 0; k < 3; k++) {
      p[k] = -half * o[k] - half * o[3 + k] + i * 4.0 * normal[k];
    }
    return p;
  }
}
