package io.cordwatch.publish;

import com.pixelmed.dicom.TagFromName;
import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.dicom.PixelDecodeException;
import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.SliceResult;
import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.keyimage.KeyImageRenderer;
import io.cordwatch.keyimage.Overlay;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The key slices of a verdict as Secondary Capture images (PS3.3 A.8.1), for viewers and PACS
 * workflows that show neither SR nor key-object documents: each key slice as the results view draws
 * it ({@code keyimage}: windowed, canal box in the colour of the call, grade and P(high) in the
 * corner), 8-bit RGB, {@code DERIVED\SECONDARY}, Burned In Annotation {@code YES}.
 *
 * <p>They carry no more patient data than the SR: the patient and study modules copied from the
 * graded images ({@link SourceStudy}), nothing else from them, and text on the pixels that is only
 * the grade, P(high) and flags. Each names its source slice (Source Image Sequence) and is filed in
 * the graded study, in a series of its own per model; its SOP Instance UID is derived from the
 * verdict and the slice ({@link ResultUids#keyImage}), so a resend stores the same instance.
 */
final class SecondaryCapture {
  private static final Logger LOG = Logger.getLogger(SecondaryCapture.class.getName());

  private SecondaryCapture() {}

  /**
   * One image per key slice whose instance file is known and decodes; a slice that cannot be drawn
   * is left out, logged, rather than holding back the SR and key-object document.
   *
   * @param files the stored file of an instance of the series, by SOP Instance UID (null: unknown)
   */
  static List<DataSet> build(SeriesReport r, SourceStudy source, Function<String, Path> files) {
    List<DataSet> out = new ArrayList<>();
    int n = 0;
    for (Documents.Ref k : KeySlices.of(r)) {
      n++;
      int frame = k.frame() == null ? 1 : k.frame();
      Path file = files.apply(k.sopInstanceUid());
      SliceResult slice = slice(r, k.sopInstanceUid(), frame);
      if (file == null || slice == null) {
        LOG.warning(
            "secondary capture: key slice " + Uids.tag(k.sopInstanceUid()) + " not found; skipped");
        continue;
      }
      BufferedImage img;
      try {
        DicomPixels.Frame f = KeyImageRenderer.frame(DicomPixels.read(file), frame).orElse(null);
        if (f == null) {
          LOG.warning(
              "secondary capture: key slice "
                  + Uids.tag(k.sopInstanceUid())
                  + " has no frame "
                  + frame
                  + "; skipped");
          continue;
        }
        img = KeyImageRenderer.render(f, overlay(r, slice));
      } catch (PixelDecodeException e) {
        LOG.warning(
            "secondary capture: key slice "
                + Uids.tag(k.sopInstanceUid())
                + " cannot be decoded ("
                + e.getMessage()
                + "); skipped");
        continue;
      }
      out.add(image(r, source, k, frame, n, img));
    }
    return out;
  }

  private static DataSet image(
      SeriesReport r, SourceStudy source, Documents.Ref k, int frame, int n, BufferedImage img) {
    DataSet d = Documents.base(DocumentKind.SC, r, source);
    d.put(TagFromName.SOPInstanceUID, ResultUids.keyImage(r, k.sopInstanceUid(), frame))
        .put(TagFromName.InstanceNumber, Integer.toString(n))
        // SC Equipment: drawn on a workstation from the graded images.
        .put(TagFromName.ConversionType, "WSD")
        // General Image.
        .put(TagFromName.PatientOrientation)
        .put(TagFromName.ImageType, "DERIVED", "SECONDARY")
        .put(TagFromName.BurnedInAnnotation, "YES")
        .put(TagFromName.LossyImageCompression, "00")
        .put(
            TagFromName.DerivationDescription,
            "Key slice with the canal box and Bilsky grade burned in by CordWatch model "
                + r.model().name()
                + (r.model().clinicalUse() ? "" : " (NOT FOR CLINICAL USE)"));
    DataSet src =
        d.item(TagFromName.SourceImageSequence)
            .put(TagFromName.ReferencedSOPClassUID, k.sopClassUid())
            .put(TagFromName.ReferencedSOPInstanceUID, k.sopInstanceUid());
    if (k.frame() != null) {
      src.put(TagFromName.ReferencedFrameNumber, Integer.toString(frame));
    }
    src.code(TagFromName.PurposeOfReferenceCodeSequence, Codes.SOURCE_IMAGE);
    // SC Image: when it was drawn (the verdict's time, so a resend is the same instance).
    d.put(TagFromName.DateOfSecondaryCapture, Documents.date(r.gradedAt()))
        .put(TagFromName.TimeOfSecondaryCapture, Documents.time(r.gradedAt()));
    // Image Pixel: 8-bit RGB, interleaved.
    d.put(TagFromName.SamplesPerPixel, "3")
        .put(TagFromName.PhotometricInterpretation, "RGB")
        .put(TagFromName.PlanarConfiguration, "0")
        .put(TagFromName.Rows, Integer.toString(img.getHeight()))
        .put(TagFromName.Columns, Integer.toString(img.getWidth()))
        .put(TagFromName.BitsAllocated, "8")
        .put(TagFromName.BitsStored, "8")
        .put(TagFromName.HighBit, "7")
        .put(TagFromName.PixelRepresentation, "0")
        .bytes(TagFromName.PixelData, KeyImageRenderer.rgb(img));
    return d;
  }

  /** The result of one slice of the verdict, or null. */
  private static SliceResult slice(SeriesReport r, String sop, int frame) {
    return r.slices().stream()
        .filter(s -> s.sopInstanceUid().equals(sop) && s.frame() == frame)
        .findFirst()
        .orElse(null);
  }

  /** The same words and colour as the results view's image of the slice. */
  static Overlay overlay(SeriesReport r, SliceResult s) {
    int[] box =
        s.box() == null ? null : new int[] {s.box().x0(), s.box().y0(), s.box().x1(), s.box().y1()};
    if (!s.isGraded()) {
      return Overlay.notGraded(box, s.status());
    }
    boolean uncertain = Boolean.TRUE.equals(s.uncertain());
    boolean highCall = Boolean.TRUE.equals(s.highCall());
    boolean borderline =
        highCall && !uncertain && r.verdict().model().limits().borderline(s.pHigh());
    boolean highGrade =
        s.grade() != null && Grade.labels().contains(s.grade()) && Grade.of(s.grade()).high();
    return Overlay.graded(
        box,
        Overlay.call(highCall, highGrade, uncertain, borderline, s.withdrawn()),
        s.grade(),
        s.pHigh(),
        uncertain,
        borderline);
  }
}
