package io.cordwatch.trainer.segment;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.phantom.Tissue;
import io.cordwatch.phantom.TissueMasks;
import io.cordwatch.roi.BoxSource;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.SuppliedBoxes;
import io.cordwatch.trainer.localizer.LocalizerData;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * Slices for the canal segmenter: each slice of a labelled folder ({@link LocalizerData}: pixels in
 * the localizer's unit range and the exact canal box), its tissue map when the phantom wrote one
 * beside the file ({@link TissueMasks#path}), mapped to the segmenter's {@link #CLASSES}, and the
 * box a scoring run centres its view on (labels.csv's {@code x0..y1}, which randomized phantoms
 * jitter the way a localizer errs, or a boxes file given instead, e.g. the boxes an appliance run
 * used).
 */
public final class SegmentData {
  /** The segmenter's classes, in logit order. */
  public static final List<String> CLASSES =
      List.of("outside", "epidural", "dura", "csf", "cord", "tumour");

  static final int OUTSIDE = 0;
  static final int EPIDURAL = 1;
  static final int DURA = 2;
  static final int CSF = 3;
  static final int CORD = 4;
  static final int TUMOUR = 5;

  /**
   * One slice.
   *
   * @param classes the class of each pixel (row-major, the slice's size), null without a map
   * @param scoringBox where a scoring run looks, null when the boxes name no box for the slice
   */
  public record Sample(LocalizerData.Sample slice, byte[] classes, CanalBox scoringBox) {}

  private final List<Sample> samples;
  private final String description;

  private SegmentData(List<Sample> samples, String description) {
    this.samples = List.copyOf(samples);
    this.description = description;
  }

  public List<Sample> samples() {
    return samples;
  }

  public String description() {
    return description;
  }

  /** How many slices carry a tissue map. */
  public long withMaps() {
    return samples.stream().filter(s -> s.classes() != null).count();
  }

  /** The segmenter's class of a phantom tissue. */
  static int classOf(Tissue t) {
    return switch (t) {
      case EPIDURAL_FAT, LIGAMENT, VEIN -> EPIDURAL;
      case DURA -> DURA;
      case CSF, NERVE_ROOT -> CSF;
      case CORD -> CORD;
      case TUMOUR -> TUMOUR;
      default -> OUTSIDE;
    };
  }

  /**
   * Loads {@code dir}.
   *
   * @param scoringBoxes labels.csv or VOC folder whose boxes a scoring run uses; null for {@code
   *     dir}/labels.csv's own (jittered) boxes
   */
  public static SegmentData load(
      Path dir, Path scoringBoxes, LocalizerSpec spec, Consumer<String> log) {
    LocalizerData slices = LocalizerData.load(dir, null, spec, 0, log);
    Path boxPath = scoringBoxes != null ? scoringBoxes : dir.resolve("labels.csv");
    BoxSource boxes = Files.isRegularFile(boxPath) ? SuppliedBoxes.load(boxPath) : null;
    List<Sample> out = new ArrayList<>();
    Tissue[] tissues = Tissue.values();
    for (LocalizerData.Sample s : slices.samples()) {
      byte[] classes = null;
      // A single-frame file's map lies beside it (TissueMasks' naming).
      Path map = s.frame() == 1 && s.file() != null ? TissueMasks.path(s.file(), 1, false) : null;
      if (map != null && Files.isRegularFile(map)) {
        classes = readMap(map, s.columns(), s.rows(), tissues);
      }
      CanalBox box =
          boxes == null ? s.box() : boxes.box(s.sopInstanceUid(), s.frame()).orElse(null);
      out.add(new Sample(s, classes, box));
    }
    SegmentData d = new SegmentData(out, slices.description());
    log.accept(dir.getFileName() + ": " + out.size() + " slices, " + d.withMaps() + " with maps");
    return d;
  }

  /** Several folders as one set. */
  public static SegmentData load(List<Path> dirs, LocalizerSpec spec, Consumer<String> log) {
    List<Sample> all = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path d : dirs) {
      SegmentData one = load(d, null, spec, log);
      all.addAll(one.samples);
      names.add(one.description);
    }
    return new SegmentData(all, String.join(" + ", names));
  }

  private static byte[] readMap(Path png, int columns, int rows, Tissue[] tissues) {
    BufferedImage img;
    try {
      img = ImageIO.read(png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + png, e);
    }
    if (img == null || img.getWidth() != columns || img.getHeight() != rows) {
      throw new IllegalArgumentException(
          png + ": not a " + columns + " x " + rows + " tissue map beside its slice");
    }
    Raster r = img.getRaster();
    byte[] out = new byte[columns * rows];
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < columns; x++) {
        int t = r.getSample(x, y, 0);
        out[y * columns + x] = (byte) (t < tissues.length ? classOf(tissues[t]) : OUTSIDE);
      }
    }
    return out;
  }
}
