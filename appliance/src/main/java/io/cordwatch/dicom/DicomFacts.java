package io.cordwatch.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@link InstanceFacts} from a PixelMed attribute list (classic MR only in this first cut).
 */
public final class DicomFacts {
  private DicomFacts() {}

  public static InstanceFacts fromAttributes(AttributeList list) {
    List<double[]> orientations = new ArrayList<>();
    double[] iop = doubles(list, TagFromName.ImageOrientationPatient);
    if (iop != null && iop.length == 6) {
      orientations.add(iop);
    }
    return new InstanceFacts(
        s(list, TagFromName.SOPClassUID),
        s(list, TagFromName.SOPInstanceUID),
        s(list, TagFromName.StudyInstanceUID),
        s(list, TagFromName.SeriesInstanceUID),
        s(list, TagFromName.Modality),
        i(list, TagFromName.SeriesNumber),
        i(list, TagFromName.InstanceNumber),
        s(list, TagFromName.SeriesDescription),
        s(list, TagFromName.ProtocolName),
        s(list, new com.pixelmed.dicom.AttributeTag(0x0018, 0x0024)),
        s(list, new com.pixelmed.dicom.AttributeTag(0x0018, 0x0020)),
        d(list, TagFromName.EchoTime),
        d(list, TagFromName.RepetitionTime),
        orientations,
        Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1)),
        i(list, TagFromName.Rows),
        i(list, TagFromName.Columns));
  }

  private static String s(AttributeList l, com.pixelmed.dicom.AttributeTag t) {
    String v = Attribute.getSingleStringValueOrNull(l, t);
    return v == null ? null : v.trim();
  }

  private static Integer i(AttributeList l, com.pixelmed.dicom.AttributeTag t) {
    int v = Attribute.getSingleIntegerValueOrDefault(l, t, Integer.MIN_VALUE);
    return v == Integer.MIN_VALUE ? null : v;
  }

  private static Double d(AttributeList l, com.pixelmed.dicom.AttributeTag t) {
    double[] v = doubles(l, t);
    return v == null || v.length == 0 ? null : v[0];
  }

  private static double[] doubles(AttributeList l, com.pixelmed.dicom.AttributeTag t) {
    Attribute a = l.get(t);
    if (a == null) {
      return null;
    }
    try {
      return a.getDoubleValues();
    } catch (com.pixelmed.dicom.DicomException e) {
      return null;
    }
  }
}
