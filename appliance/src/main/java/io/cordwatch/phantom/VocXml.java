package io.cordwatch.phantom;

import java.nio.file.Path;

/**
 * LabelImg's Pascal VOC annotation for one slice: one box around the spinal canal, named by its
 * Bilsky grade, as the radiologist of the source study drew them. Coordinates are 0-based pixel
 * indices, inclusive, the same numbers as labels.csv.
 */
public final class VocXml {
  private VocXml() {}

  /**
   * The annotation of {@code image} (the DICOM file it describes); {@code frame} names the frame of
   * a multi-frame file (LabelImg ignores the element), 0 for single-frame files.
   */
  public static String of(
      Path image, int frame, int size, String grade, int x0, int y0, int x1, int y1) {
    Path folder = image.toAbsolutePath().getParent();
    return "<annotation>\n"
        + "\t<folder>"
        + escape(folder == null ? "" : folder.getFileName().toString())
        + "</folder>\n"
        + "\t<filename>"
        + escape(image.getFileName().toString())
        + "</filename>\n"
        + "\t<path>"
        + escape(image.toAbsolutePath().toString())
        + "</path>\n"
        + (frame > 0 ? "\t<frame>" + frame + "</frame>\n" : "")
        + "\t<source>\n\t\t<database>CordWatch phantom</database>\n\t</source>\n"
        + "\t<size>\n\t\t<width>"
        + size
        + "</width>\n\t\t<height>"
        + size
        + "</height>\n\t\t<depth>1</depth>\n\t</size>\n"
        + "\t<segmented>0</segmented>\n"
        + "\t<object>\n\t\t<name>"
        + escape(grade)
        + "</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n"
        + "\t\t<difficult>0</difficult>\n\t\t<bndbox>\n"
        + "\t\t\t<xmin>"
        + x0
        + "</xmin>\n\t\t\t<ymin>"
        + y0
        + "</ymin>\n\t\t\t<xmax>"
        + x1
        + "</xmax>\n\t\t\t<ymax>"
        + y1
        + "</ymax>\n\t\t</bndbox>\n\t</object>\n"
        + "</annotation>\n";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
