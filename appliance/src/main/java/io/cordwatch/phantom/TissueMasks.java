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
 * ax-t2.dcm}, {@code ax-t2.frame-0001.mask.png} for its first frame. {@code realspine --masks}
 * writes the same maps for real slices ({@link io.cordwatch.phantom.real.RealSpine}).
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
    write(img.classes(), img.size(), img.size(), path(w.file(), w.frame(), multiFrame));
  }

  /** Writes one map ({@link Tissue} ordinals, row-major, {@code width} x {@code height}). */
  public static void write(byte[] tissues, int width, int height, Path png) throws IOException {
    if (tissues.length != width * height) {
      throw new IllegalArgumentException(
          tissues.length + " values for a " + width + " x " + height + " map");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, width, height, tissues);
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer for " + png);
    }
  }

  /** Writes {@value #LEGEND}: one row per tissue, its value in the maps and its name. */
  public static void writeLegend(Path out) throws IOException {
    try (Writer csv = Files.newBufferedWriter(out.resolve(LEGEND), StandardCharsets.US_ASCII)) {
      csv.write("value,tissue\n");
      for (Tissue t : Tissue.values()) {
        csv.write(t.ordinal() + "," + t.name().toLowerCase(Locale.ROOT) + "\n");
      }
    }
  }
}
