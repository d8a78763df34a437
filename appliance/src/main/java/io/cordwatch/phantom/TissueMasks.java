package io.cordwatch.phantom;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The phantom's tissue maps ({@code phantom --masks}): for every axial T2 slice, an 8-bit grey PNG
 * of the same rows and columns as the DICOM image whose value at each pixel is the {@link Tissue}
 * (its ordinal) the generator drew there, sampled at the pixel centre before any artefact; and
 * {@code masks.csv} at the top of the run, the legend (value, tissue).
 *
 * <p>They are what the grade in labels.csv is measured from ({@link BilskyGrader} on the same
 * geometry, at a finer grid), so a network can be trained to find cord, CSF, dura and tumour and be
 * checked pixel by pixel. Artefacts (blur, ghosts, Gibbs ringing, noise) change the image, not the
 * map: the map is the anatomy, not what the scanner showed of it. Next to a single-frame file
 * {@code ax-t2-0001.dcm} the map is {@code ax-t2-0001.mask.png}; next to an Enhanced MR file {@code
 * ax-t2.dcm}, {@code ax-t2.frame-0001.mask.png} for its first frame.
 */
public final class TissueMasks {
  /** The legend file at the top of a run. */
  public static final String LEGEND = "masks.csv";

  private TissueMasks() {}

  /** The map's path for a written slice. */
  public static Path path(Path file, int frame, boolean multiFrame) {
    String name = file.getFileName().toString();
    String base = name.endsWith(".dcm") ? name.substring(0, name.length() - 4) : name;
    String suffix =
        multiFrame ? String.format(Locale.ROOT, ".frame-%04d.mask.png", frame) : ".mask.png";
    return file.resolveSibling(base + suffix);
  }

  /**
   * Writes the map of one written axial T2 slice beside its file.
   *
   * @param multiFrame the run writes Enhanced MR files (one file, many frames)
   */
  static void write(PhantomWriter.Written w, boolean multiFrame) throws IOException {
    Acquisition.Image img = w.image();
    int n = img.size();
    BufferedImage png = new BufferedImage(n, n, BufferedImage.TYPE_BYTE_GRAY);
    png.getRaster().setDataElements(0, 0, n, n, img.classes());
    if (!ImageIO.write(png, "png", path(w.file(), w.frame(), multiFrame).toFile())) {
      throw new IOException("no PNG writer for " + w.file());
    }
  }

  /** Writes {@value #LEGEND}: one row per tissue, its value in the maps and its name. */
  static void writeLegend(Path out) throws IOException {
    try (Writer csv = Files.newBufferedWriter(out.resolve(LEGEND), StandardCharsets.US_ASCII)) {
      csv.write("value,tissue\n");
      for (Tissue t : Tissue.values()) {
        csv.write(t.ordinal() + "," + t.name().toLowerCase(Locale.ROOT) + "\n");
      }
    }
  }
}
