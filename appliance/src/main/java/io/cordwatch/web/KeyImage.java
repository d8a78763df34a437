package io.cordwatch.web;

import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.dicom.PixelDecodeException;
import io.cordwatch.keyimage.KeyImageRenderer;
import io.cordwatch.keyimage.Overlay;
import java.nio.file.Path;
import java.util.List;

/**
 * A graded slice as a PNG for the results pages and the API: the picture is {@code keyimage}'s
 * ({@link KeyImageRenderer}: windowed pixels, canal box in the colour of the call, grade and
 * P(high) in the corner; the same picture the optional Secondary Capture images carry to the PACS);
 * this class reads the stored instance through {@code dicom} and answers what goes wrong as the web
 * stage's errors.
 */
final class KeyImage {
  static final int HIGH = KeyImageRenderer.HIGH;
  static final int CAUTION = KeyImageRenderer.CAUTION;
  static final int LOW = KeyImageRenderer.LOW;

  private KeyImage() {}

  /** The enlargement factor for an image of this size. */
  static int scale(int columns, int rows) {
    return KeyImageRenderer.scale(columns, rows);
  }

  /**
   * Renders frame {@code frame} of the instance in {@code file} with {@code overlay}, as PNG bytes.
   *
   * @throws WebException NOT_FOUND when the instance has no such frame, UNPROCESSABLE when its
   *     pixels cannot be decoded
   */
  static byte[] png(Path file, int frame, Overlay overlay) {
    List<DicomPixels.Frame> frames;
    try {
      frames = DicomPixels.read(file);
    } catch (PixelDecodeException e) {
      throw new WebException(
          WebException.Code.UNPROCESSABLE,
          "the slice's pixels cannot be decoded: " + e.getMessage());
    }
    DicomPixels.Frame f =
        KeyImageRenderer.frame(frames, frame)
            .orElseThrow(
                () ->
                    new WebException(
                        WebException.Code.NOT_FOUND,
                        "the instance has no frame " + frame + " (it has " + frames.size() + ")"));
    return KeyImageRenderer.png(KeyImageRenderer.render(f, overlay));
  }

  /** P(high) as the image and the pages write it: two decimals. */
  static String probability(Double p) {
    return Overlay.probability(p);
  }
}
