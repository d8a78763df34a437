package io.cordwatch.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Small, fast synthetic MR studies for the receiver's tests and the ingest benchmark, where what is
 * in the pictures does not matter: an axial T2 series plus, optionally, a sagittal T2 and an axial
 * T1 that selection must skip. The pictures are simple (an oval body, a bright canal, a darker
 * cord); realistic studies with Bilsky labels come from {@code io.cordwatch.phantom}. Patient
 * fields are fixed placeholders, never real data.
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

  /** A fresh UID under the UUID-derived 2.25 root (PS3.5 B.2). */
  public static String newUid() {
    UUID u = UUID.randomUUID();
    BigInteger v =
        new BigInteger(1, longsToBytes(u.getMostSignificantBits(), u.getLeastSignificantBits()));
    return "2.25." + v;
  }

  /**
   * Writes one study into {@code dir} (created), one file per slice; returns the files in sending
   * order.
   */
  public static List<Path> write(Path dir, Spec spec) throws IOException {
    Files.createDirectories(dir);
    String study = newUid();
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
    String series = newUid();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      try {
        AttributeList list = new AttributeList();
        put(list, TagFromName.SOPClassUID, Uids.MR_IMAGE_STORAGE);
        put(list, TagFromName.SOPInstanceUID, newUid());
        put(list, TagFromName.StudyInstanceUID, study);
        put(list, TagFromName.SeriesInstanceUID, series);
        put(list, TagFromName.FrameOfReferenceUID, study + ".1");
        put(list, TagFromName.PatientName, "PHANTOM^SYNTHETIC");
        put(list, TagFromName.PatientID, "SYNTH0001");
        put(list, TagFromName.PatientBirthDate, "");
        put(list, TagFromName.PatientSex, "O");
        put(list, TagFromName.StudyDate, "20260101");
        put(list, TagFromName.StudyTime, "120000");
        put(list, TagFromName.StudyID, "1");
        put(list, TagFromName.AccessionNumber, "");
        put(list, TagFromName.ReferringPhysicianName, "");
        put(list, TagFromName.Modality, "MR");
        put(list, TagFromName.Manufacturer, "CordWatch synthetic");
        put(list, TagFromName.SeriesNumber, Integer.toString(number));
        put(list, TagFromName.InstanceNumber, Integer.toString(i + 1));
        put(list, TagFromName.SeriesDescription, description);
        put(list, TagFromName.ImageType, "ORIGINAL\\PRIMARY");
        put(list, new AttributeTag(0x0018, 0x0020), "SE");
        put(list, new AttributeTag(0x0018, 0x0021), "NONE");
        put(list, new AttributeTag(0x0018, 0x0022), "");
        put(list, new AttributeTag(0x0018, 0x0023), "2D");
        put(list, TagFromName.EchoTime, Double.toString(te));
        put(list, TagFromName.RepetitionTime, Double.toString(tr));
        put(list, TagFromName.EchoTrainLength, "16");
        put(list, new AttributeTag(0x0018, 0x0087), "1.5");
        put(list, TagFromName.SliceThickness, "4");
        put(list, TagFromName.PixelSpacing, "0.7\\0.7");
        put(list, TagFromName.ImageOrientationPatient, join(orientation));
        put(list, TagFromName.ImagePositionPatient, position(orientation, i, spec.size()));
        put(list, TagFromName.SliceLocation, Double.toString(i * 4.0));
        put(list, TagFromName.PositionReferenceIndicator, "");
        put(list, TagFromName.SamplesPerPixel, "1");
        put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        put(list, TagFromName.Rows, Integer.toString(spec.size()));
        put(list, TagFromName.Columns, Integer.toString(spec.size()));
        put(list, TagFromName.BitsAllocated, "16");
        put(list, TagFromName.BitsStored, "12");
        put(list, TagFromName.HighBit, "11");
        put(list, TagFromName.PixelRepresentation, "0");
        Attribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        pixels.setValues(picture(spec.size(), random, te < 50));
        list.put(pixels);
        FileMetaInformation.addFileMetaInformation(list, "1.2.840.10008.1.2.1", "CORDWATCH");
        Path file = dir.resolve(String.format("s%02d-%04d.dcm", number, i + 1));
        list.write(file.toFile(), "1.2.840.10008.1.2.1", true, true);
        files.add(file);
      } catch (DicomException e) {
        throw new IOException("cannot build synthetic slice: " + e.getMessage(), e);
      }
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

  private static String position(double[] o, int i, int size) {
    double[] normal = {
      o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]
    };
    double half = size * 0.7 / 2;
    double[] p = new double[3];
    for (int k = 0; k < 3; k++) {
      p[k] = -half * o[k] - half * o[3 + k] + i * 4.0 * normal[k];
    }
    return join(p);
  }

  private static String join(double[] v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        b.append('\\');
      }
      b.append(v[i] == Math.rint(v[i]) ? Long.toString((long) v[i]) : Double.toString(v[i]));
    }
    return b.toString();
  }

  private static void put(AttributeList list, AttributeTag tag, String value)
      throws DicomException {
    Attribute a = list.putNewAttribute(tag);
    if (!value.isEmpty()) {
      a.addValue(value);
    }
  }

  private static byte[] longsToBytes(long a, long b) {
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (a >>> (56 - 8 * i));
      out[8 + i] = (byte) (b >>> (56 - 8 * i));
    }
    return out;
  }
}
